namespace ProcMacroSrv.Bridge.Abi;

/// <summary>The bridge ABI chosen for a dylib, and where its table came from.</summary>
/// <param name="Abi">The table.</param>
/// <param name="Origin"><see cref="BuiltInOrigin"/>, or <c>learned from &lt;bridge source directory&gt;</c>.</param>
public sealed record ResolvedBridgeAbi(BridgeAbi Abi, string Origin)
{
    /// <summary>The origin of a table compiled into this server.</summary>
    public const string BuiltInOrigin = "built-in";

    /// <summary>True when the table is one of <see cref="BridgeAbiCatalog.BuiltIn"/>.</summary>
    public bool IsBuiltIn => Origin == BuiltInOrigin;
}
