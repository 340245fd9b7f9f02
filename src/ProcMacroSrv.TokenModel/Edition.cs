namespace ProcMacroSrv.TokenModel;

/// <summary>
/// A Rust edition. Lexing and printing depend on it in a few places: reserved prefixes,
/// C strings and raw lifetimes from 2021, guarded strings from 2024, and which words are
/// keywords (<c>async</c>, <c>dyn</c>, <c>try</c> from 2018, <c>gen</c> from 2024).
/// </summary>
public enum Edition : byte
{
    /// <summary>Rust 2015.</summary>
    Edition2015 = 0,
    /// <summary>Rust 2018.</summary>
    Edition2018 = 1,
    /// <summary>Rust 2021.</summary>
    Edition2021 = 2,
    /// <summary>Rust 2024.</summary>
    Edition2024 = 3,
}
