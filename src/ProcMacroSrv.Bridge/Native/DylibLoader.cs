namespace ProcMacroSrv.Bridge.Native;

/// <summary>One entry of a dylib's registrar slice, with the client's two words.</summary>
internal readonly record struct RegisteredMacro(uint Kind, string Name, string[] Helpers, nint ClientWord0, nint Run);

/// <summary>
/// Opens a proc-macro dylib that inspection has accepted and reads its registrar. Nothing else
/// in the program calls <c>dlopen</c>, so an uninspected file can never run a constructor.
/// </summary>
internal static unsafe class DylibLoader
{
    /// <summary>Opens <paramref name="path"/> and reads the <c>&amp;[ProcMacro]</c> behind <paramref name="registrarSymbol"/>.</summary>
    /// <exception cref="InvalidOperationException">The loader failed; the message is the loader's.</exception>
    public static (nint Handle, RegisteredMacro[] Macros) Open(string path, string registrarSymbol)
    {
        // Each dylib carries its own std; DEEPBIND keeps its symbols from binding to another copy.
        var handle = LibC.DlOpen(path, LibC.RTLD_NOW | LibC.RTLD_LOCAL | LibC.RTLD_DEEPBIND);
        if (handle == 0) throw new InvalidOperationException(LibC.LastDlError());
        var symbol = LibC.DlSym(handle, registrarSymbol);
        if (symbol == 0) throw new InvalidOperationException(LibC.LastDlError());

        // The symbol is a static `&'static [ProcMacro]`: pointer and length, filled by a relocation.
        var slice = (RawSlice*)symbol;
        var entries = (RawProcMacro*)slice->Ptr;
        var count = checked((int)slice->Len);
        if (count > 100_000) throw new InvalidOperationException($"registrar lists {count} macros: not a proc-macro registrar");
        var macros = new RegisteredMacro[count];
        for (var i = 0; i < count; i++)
        {
            var e = entries[i];
            macros[i] = e.Tag switch
            {
                RawProcMacro.CustomDerive => new RegisteredMacro(e.Tag, e.Name.ReadUtf8(), ReadNames(e.DeriveAttributes), e.DeriveClientCountersOrFn, e.DeriveClientRun),
                RawProcMacro.Attr or RawProcMacro.Bang => new RegisteredMacro(e.Tag, e.Name.ReadUtf8(), [], e.ClientCountersOrFn, e.ClientRun),
                _ => throw new InvalidOperationException($"registrar entry {i} has unknown kind {e.Tag}"),
            };
        }
        return (handle, macros);
    }

    private static string[] ReadNames(RawSlice slice)
    {
        var names = new string[checked((int)slice.Len)];
        var items = (RawSlice*)slice.Ptr;
        for (var i = 0; i < names.Length; i++) names[i] = items[i].ReadUtf8();
        return names;
    }
}
