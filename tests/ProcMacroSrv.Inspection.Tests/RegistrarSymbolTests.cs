namespace ProcMacroSrv.Inspection.Tests;

public class RegistrarSymbolTests
{
    [Theory]
    [InlineData("__rustc_proc_macro_decls_2c13cdf1e71fde17__", "2c13cdf1e71fde17")]
    [InlineData("__rustc_proc_macro_decls_0000abcd__", "0000abcd")]
    [InlineData("__rustc_proc_macro_decls_0123456789abcdef0123__", "0123456789abcdef0123")]
    public void Recognizes_registrar_symbols(string name, string crateId)
    {
        Assert.True(RegistrarSymbol.TryParse(name, out RegistrarSymbol? registrar));
        Assert.Equal(name, registrar.Name);
        Assert.Equal(crateId, registrar.CrateId);
        Assert.Equal(name, registrar.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("rust_metadata_inspect_probe_2c13cdf1e71fde17")]
    [InlineData("__rustc_proc_macro_decls_abcdef1__")] // 7 digits
    [InlineData("__rustc_proc_macro_decls_2C13CDF1E71FDE17__")] // upper case
    [InlineData("__rustc_proc_macro_decls_2c13cdf1e71fde17_")]
    [InlineData("_rustc_proc_macro_decls_2c13cdf1e71fde17__")]
    [InlineData("__rustc_proc_macro_decls_2c13cdf1e71fde1g__")]
    [InlineData("__rustc_proc_macro_decls_2c13cdf1e71fde17__.cold")]
    public void Rejects_other_symbols(string? name)
    {
        Assert.False(RegistrarSymbol.TryParse(name, out RegistrarSymbol? registrar));
        Assert.Null(registrar);
    }
}
