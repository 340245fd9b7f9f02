namespace ProcMacroSrv.Server;

/// <summary>The server's arguments, once parsed.</summary>
/// <param name="Format">The <c>--format</c> value, or null when none was given (json-legacy).</param>
/// <param name="Version">True for <c>--version</c>.</param>
/// <param name="InProcess">True for <c>--in-process</c> (our own option, after <c>serve</c> only).</param>
/// <param name="TimeoutSeconds">The <c>--timeout</c> value, if given (our own option, after <c>serve</c> only).</param>
internal sealed record ParsedServerArguments(string? Format, bool Version, bool InProcess, double? TimeoutSeconds);

/// <summary>
/// Parses the server's command line exactly as the reference's clap parser does (protocol.md
/// section 1.4, checked against the reference binary), so that every argument list gets the same
/// outcome and the same one-line error: <c>--format &lt;FORMAT&gt;</c> / <c>--format=FORMAT</c> and
/// <c>--version</c>, each at most once; no short options, no positionals, no help.
/// </summary>
/// <remarks>
/// The order of checks is clap's: a <c>--format</c> value given as a separate argument is checked
/// only when the next option (or <c>--</c>, or the end) is reached, whereas an attached value
/// (<c>--format=x</c>) is checked at once; an unknown argument and a value attached to
/// <c>--version</c> are reported before the pending value is checked; a repeated option is a
/// conflict. An argument that starts with <c>-</c> (other than <c>-</c> itself) is never taken
/// as the value of <c>--format</c> unless it is a known option, in which case the value is missing.
/// </remarks>
internal static class ServerArguments
{
    public const string UnexpectedArgument = "unexpected argument found";
    public const string InvalidValue = "one of the values isn't valid for an argument";
    public const string UnexpectedValue = "unexpected value for an argument found";
    public const string Conflict = "an argument cannot be used with one or more of the other specified arguments";

    /// <summary>Parses <paramref name="args"/>; on failure returns null and the error message (without <c>error: </c>).</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="acceptOwnOptions">Accept our own <c>--in-process</c> and <c>--timeout SECONDS</c> (after <c>serve</c>).</param>
    /// <param name="isValidTimeout">Checks a <c>--timeout</c> value.</param>
    /// <param name="error">The error message when parsing fails.</param>
    public static ParsedServerArguments? Parse(string[] args, bool acceptOwnOptions, Func<string, double?> isValidTimeout, out string? error)
    {
        string? format = null;
        var formatSeen = false;
        var formatAwaitsValue = false;  // `--format` seen, its value not yet
        string? pendingFormat = null;   // a separate value, checked when the next option comes
        var version = false;
        var inProcess = false;
        double? timeout = null;
        var escaped = false;            // after `--`: everything is a positional, and there are none

        bool Resolve(out string? message)
        {
            message = null;
            if (formatAwaitsValue)
            {
                formatAwaitsValue = false;
                message = InvalidValue;
                return false;
            }
            if (pendingFormat is not null)
            {
                var value = pendingFormat;
                pendingFormat = null;
                if (!IsFormat(value))
                {
                    message = InvalidValue;
                    return false;
                }
                format = value;
            }
            return true;
        }

        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (escaped) return Fail(UnexpectedArgument, out error);
            if (arg == "--")
            {
                if (!Resolve(out error)) return null;
                escaped = true;
                continue;
            }
            if (formatAwaitsValue && (!arg.StartsWith('-') || arg == "-"))
            {
                formatAwaitsValue = false;
                pendingFormat = arg;
                continue;
            }
            if (acceptOwnOptions && arg == "--in-process")
            {
                if (!Resolve(out error)) return null;
                inProcess = true;
                continue;
            }
            if (acceptOwnOptions && arg == "--timeout")
            {
                if (!Resolve(out error)) return null;
                if (i + 1 >= args.Length || isValidTimeout(args[++i]) is not { } seconds) return Fail("--timeout wants a positive number of seconds", out error);
                timeout = seconds;
                continue;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal)) return Fail(UnexpectedArgument, out error);
            var equals = arg.IndexOf('=');
            var name = equals < 0 ? arg[2..] : arg[2..equals];
            var attached = equals < 0 ? null : arg[(equals + 1)..];
            switch (name)
            {
                case "version":
                    if (attached is not null) return Fail(UnexpectedValue, out error);
                    if (!Resolve(out error)) return null;
                    if (version) return Fail(Conflict, out error);
                    version = true;
                    break;
                case "format":
                    if (!Resolve(out error)) return null;
                    if (formatSeen) return Fail(Conflict, out error);
                    formatSeen = true;
                    if (attached is null)
                    {
                        formatAwaitsValue = true;
                    }
                    else
                    {
                        if (!IsFormat(attached)) return Fail(InvalidValue, out error);
                        format = attached;
                    }
                    break;
                default:
                    return Fail(UnexpectedArgument, out error);
            }
        }
        if (!Resolve(out error)) return null;
        return new ParsedServerArguments(format, version, inProcess, timeout);
    }

    private static bool IsFormat(string value) => value is ServerCommandLine.JsonLegacy or ServerCommandLine.Postcard;

    private static ParsedServerArguments? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }
}
