namespace ProcMacroSrv.Bridge.Expansion;

/// <summary>The kind of a proc macro.</summary>
public enum ProcMacroKind
{
    /// <summary><c>#[proc_macro_derive]</c>: listed and found by its trait name.</summary>
    CustomDerive,
    /// <summary><c>#[proc_macro_attribute]</c>: takes attribute arguments and the item.</summary>
    Attr,
    /// <summary><c>#[proc_macro]</c>: function-like, <c>name!(…)</c>.</summary>
    Bang,
}

/// <summary>A macro as the dylib's registrar declares it.</summary>
/// <param name="Name">The derive's trait name, or the function name.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Helpers">A derive's helper attributes (empty for the other kinds).</param>
public sealed record ProcMacroDescriptor(string Name, ProcMacroKind Kind, IReadOnlyList<string> Helpers);
