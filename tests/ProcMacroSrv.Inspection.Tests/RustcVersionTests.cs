namespace ProcMacroSrv.Inspection.Tests;

public class RustcVersionTests
{
    public static TheoryData<string, int, int, int, RustcChannel, string?, string?> Valid => new()
    {
        { "rustc 1.95.0 (59807616e 2026-04-14)", 1, 95, 0, RustcChannel.Stable, "59807616e", "2026-04-14" },
        { "rustc 1.97.0-nightly (e50aa6fba 2026-05-19)", 1, 97, 0, RustcChannel.Nightly, "e50aa6fba", "2026-05-19" },
        { "rustc 1.63.0", 1, 63, 0, RustcChannel.Stable, null, null },
        { "rustc 1.85.0 (4d91de4e4 2025-02-17) (built from a source tarball)", 1, 85, 0, RustcChannel.Stable, "4d91de4e4", "2025-02-17" },
        { "rustc 1.80.0-beta.3 (105fc5ed3 2024-07-02)", 1, 80, 0, RustcChannel.Beta, "105fc5ed3", "2024-07-02" },
        { "rustc 1.80.0-beta", 1, 80, 0, RustcChannel.Beta, null, null },
        { "rustc 1.70.0-dev", 1, 70, 0, RustcChannel.Dev, null, null },
        { "rustc 1.75.0 (82e1608df 2023-12-21) (Fedora 1.75.0-1.fc39)", 1, 75, 0, RustcChannel.Stable, "82e1608df", "2023-12-21" },
        { "rustc 1.63.0 (built from a source tarball)", 1, 63, 0, RustcChannel.Stable, null, null },
        { "rustc 2.10.123", 2, 10, 123, RustcChannel.Stable, null, null },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses_version_strings(
        string text, int major, int minor, int patch, RustcChannel channel, string? commit, string? date)
    {
        RustcVersion version = RustcVersion.Parse(text);

        Assert.Equal(text, version.Raw);
        Assert.Equal(text, version.ToString());
        Assert.Equal((major, minor, patch), (version.Major, version.Minor, version.Patch));
        Assert.Equal(channel, version.Channel);
        Assert.Equal(commit, version.Commit);
        Assert.Equal(date is null ? null : DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), version.Date);
        Assert.True(RustcVersion.TryParse(text, out RustcVersion? again));
        Assert.Equal(version, again);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "expected `rustc <major>.<minor>.<patch>`" },
        { "rustc", "expected `rustc <major>.<minor>.<patch>`" },
        { "cargo 1.95.0", "expected `rustc <major>.<minor>.<patch>`" },
        { "rustc ", "version number `` is not of the form" },
        { "rustc 1.95", "version number `1.95` is not of the form" },
        { "rustc 1.95.0.1", "version number `1.95.0.1` is not of the form" },
        { "rustc 1.x.0", "version number `1.x.0` is not of the form" },
        { "rustc 1.-5.0", "version number `1.` is not of the form" },
        { "rustc 1.95.0-alpha", "unknown release channel `-alpha`" },
        { "rustc 1.95.0-beta.x", "unknown release channel `-beta.x`" },
        { "rustc 1.95.0 (59807616e 2026-04-14", "unbalanced parentheses" },
        { "rustc 1.95.0 (59807616e (2026-04-14))", "unbalanced parentheses" },
        { "rustc 1.95.0 ()", "empty `()`" },
        { "rustc 1.95.0 (59807616e 2026-13-14)", "`2026-13-14` is not a valid commit date" },
        { "rustc 1.95.0 (59807616e 2023-02-29)", "`2023-02-29` is not a valid commit date" },
        { "rustc 1.95.0 (59807616e 0000-01-01)", "`0000-01-01` is not a valid commit date" },
        { "rustc 1.95.0 59807616e", "unexpected ` 59807616e`" },
        { "rustc 1.95.0 (59807616e 2026-04-14) trailing", "unexpected ` trailing`" },
        { "rustc  1.95.0", "version number `` is not of the form" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Rejects_malformed_version_strings(string text, string expectedMessage)
    {
        var error = Assert.Throws<FormatException>(() => RustcVersion.Parse(text));
        Assert.Contains(expectedMessage, error.Message);
        Assert.False(RustcVersion.TryParse(text, out _));
    }

    [Fact]
    public void Parses_commit_dates_as_the_framework_parses_yyyy_MM_dd()
    {
        // The hand-written parser replaced DateOnly.TryParseExact (which needed ICU): every
        // year/month/day combination around the edges must be judged the same way.
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        foreach (var year in new[] { 0, 1, 4, 100, 1900, 1999, 2000, 2023, 2024, 2026, 2100, 2400, 9999 })
        {
            for (var month = 0; month <= 13; month++)
            {
                for (var day = 0; day <= 32; day++)
                {
                    var text = $"{year:D4}-{month:D2}-{day:D2}";
                    var expected = DateOnly.TryParseExact(text, "yyyy-MM-dd", culture, System.Globalization.DateTimeStyles.None, out var frameworkDate);
                    Assert.Equal(expected, RustcVersion.TryParseDate(text, out var ours));
                    Assert.Equal(frameworkDate, ours);
                }
            }
        }
        Assert.True(RustcVersion.TryParseDate("2024-02-29", out var leap));
        Assert.Equal(new DateOnly(2024, 2, 29), leap);
        Assert.False(RustcVersion.TryParseDate("2024-2-29", out _));
        Assert.False(RustcVersion.TryParseDate("2024-02-2x", out _));
        Assert.False(RustcVersion.TryParseDate("2024/02/29", out _));
    }

    [Fact]
    public void Versions_are_equal_exactly_when_their_strings_are()
    {
        Assert.Equal(RustcVersion.Parse("rustc 1.95.0 (59807616e 2026-04-14)"), RustcVersion.Parse("rustc 1.95.0 (59807616e 2026-04-14)"));
        Assert.NotEqual(RustcVersion.Parse("rustc 1.95.0 (59807616e 2026-04-14)"), RustcVersion.Parse("rustc 1.95.0 (59807616e 2026-04-14) (x)"));
    }
}
