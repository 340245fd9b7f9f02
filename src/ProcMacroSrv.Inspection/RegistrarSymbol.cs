using System.Diagnostics.CodeAnalysis;

namespace ProcMacroSrv.Inspection;

/// <summary>
/// The symbol through which a proc-macro dylib hands its macros to the server:
/// <c>__rustc_proc_macro_decls_&lt;crate id&gt;__</c>, where the crate id is the crate's
/// StableCrateId as at least 8 lowercase hex digits (16 in practice).
/// </summary>
public sealed record RegistrarSymbol
{
    /// <summary>What every registrar symbol name starts with.</summary>
    public const string Prefix = "__rustc_proc_macro_decls_";

    /// <summary>What every registrar symbol name ends with.</summary>
    public const string Suffix = "__";

    private const int MinCrateIdLength = 8;

    private RegistrarSymbol(string name, string crateId)
    {
        Name = name;
        CrateId = crateId;
    }

    /// <summary>The full symbol name, e.g. <c>__rustc_proc_macro_decls_2c13cdf1e71fde17__</c>: what to look up with dlsym.</summary>
    public string Name { get; }

    /// <summary>The hex crate id between prefix and suffix, e.g. <c>2c13cdf1e71fde17</c>.</summary>
    public string CrateId { get; }

    /// <summary>Recognizes a registrar symbol name; false for any other symbol.</summary>
    public static bool TryParse([NotNullWhen(true)] string? symbolName, [NotNullWhen(true)] out RegistrarSymbol? registrar)
    {
        registrar = null;
        if (symbolName is null ||
            symbolName.Length < Prefix.Length + MinCrateIdLength + Suffix.Length ||
            !symbolName.StartsWith(Prefix, StringComparison.Ordinal) ||
            !symbolName.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return false;
        }

        string crateId = symbolName[Prefix.Length..^Suffix.Length];
        if (crateId.AsSpan().ContainsAnyExcept("0123456789abcdef"))
        {
            return false;
        }

        registrar = new RegistrarSymbol(symbolName, crateId);
        return true;
    }

    /// <summary>Returns <see cref="Name"/>.</summary>
    public override string ToString() => Name;
}
