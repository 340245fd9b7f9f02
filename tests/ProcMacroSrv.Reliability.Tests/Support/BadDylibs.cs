using System.Diagnostics;
using System.Text;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Reliability.Tests.Support;

/// <summary>
/// Files that are not loadable proc-macro dylibs, made once per test class in a temporary
/// directory: C shared libraries built with gcc (64-bit, 32-bit, re-targeted to AArch64) whose
/// constructors would write a marker file if the library were ever loaded, damaged copies of a
/// real proc-macro dylib, and things that are not files at all.
/// </summary>
public sealed class BadDylibs : IDisposable
{
    private readonly TempDirectory _directory = new("pms-reliability-bad-dylibs-");
    private readonly Dictionary<string, string> _paths = new(StringComparer.Ordinal);

    public BadDylibs()
    {
        var source = _directory.File("ctor.c");
        File.WriteAllText(source, """
            #include <stdio.h>
            /* Runs when the dynamic loader loads the library: a proc-macro server must never let that happen. */
            __attribute__((constructor)) static void reliability_marker(void) {
                FILE *f = fopen(MARKER, "w");
                if (f) { fputs("loaded\n", f); fclose(f); }
            }
            int reliability_symbol(void) { return 42; }
            """);
        var c64 = Gcc(source, "libctor64.so", "marker-64");
        Add("C shared library with a constructor (x86-64, no .rustc)", c64);
        Add("32-bit ELF (gcc -m32, with a constructor)", Gcc(source, "libctor32.so", "marker-32", "-m32"));
        var aarch64 = Gcc(source, "libctor-aarch64.so", "marker-aarch64");
        PatchMachine(aarch64, 183);
        Add("ELF for AArch64 (e_machine patched, with a constructor)", aarch64);

        var real = Dylibs.Stable.PmBasics;
        var bytes = File.ReadAllBytes(real);
        Add("proc-macro dylib truncated to 64 bytes", Write("truncated-64.so", bytes.AsSpan(0, 64)));
        Add("proc-macro dylib truncated to 4 KiB", Write("truncated-4k.so", bytes.AsSpan(0, 4096)));
        Add("proc-macro dylib truncated to half", Write("truncated-half.so", bytes.AsSpan(0, bytes.Length / 2)));
        Add("proc-macro dylib re-targeted to AArch64 (e_machine patched)", Write("rust-aarch64.so", Patched(bytes, 18, 183, 0)));
        Add("proc-macro dylib marked 32-bit (EI_CLASS patched)", Write("rust-class32.so", Patched(bytes, 4, 1)));
        Add("proc-macro dylib marked big-endian (EI_DATA patched)", Write("rust-bigendian.so", Patched(bytes, 5, 2)));
        Add("proc-macro dylib of an unknown rustc (1.42.0 patched into .rustc)", Write("rust-unknown-rustc.so", Replace(bytes, "rustc 1.95.0 (", "rustc 1.42.0 (")));
        Add("proc-macro dylib without its registrar symbol (renamed in .dynstr)", Write("rust-no-registrar.so", Replace(bytes, "__rustc_proc_macro_decls_", "__xustc_proc_macro_decls_")));
        Add("text file", Write("notes.so", Encoding.UTF8.GetBytes("this is not a shared library\n")));
        Add("empty file", Write("empty.so", []));
        Add("missing file", _directory.File("does-not-exist.so"));
        Add("missing directory on the way", _directory.File("no-such-dir/libx.so"));
        Add("directory", Directory.CreateDirectory(_directory.File("a-directory.so")).FullName);
        Add("/dev/zero", "/dev/zero");
        var fifo = _directory.File("fifo.so");
        Run("mkfifo", fifo);
        Add("FIFO (named pipe)", fifo);
        var loop = _directory.File("loop.so");
        File.CreateSymbolicLink(loop, loop);
        Add("symbolic link to itself", loop);
        Add("path of 5000 characters", "/" + string.Join('/', Enumerable.Repeat(new string('d', 99), 50)) + ".so");
        Add("empty path", "");
        Add("path with a NUL character", _directory.File("lib\0hidden.so"));
    }

    /// <summary>The marker files the constructors write; none may ever exist.</summary>
    public IReadOnlyList<string> Markers => [_directory.File("marker-64"), _directory.File("marker-32"), _directory.File("marker-aarch64")];

    /// <summary>Scenario name → path.</summary>
    public IReadOnlyDictionary<string, string> Paths => _paths;

    /// <summary>The directory everything is in.</summary>
    public string DirectoryPath => _directory.Path;

    public static IReadOnlyList<string> Names { get; } =
    [
        "C shared library with a constructor (x86-64, no .rustc)", "32-bit ELF (gcc -m32, with a constructor)",
        "ELF for AArch64 (e_machine patched, with a constructor)", "proc-macro dylib truncated to 64 bytes",
        "proc-macro dylib truncated to 4 KiB", "proc-macro dylib truncated to half",
        "proc-macro dylib re-targeted to AArch64 (e_machine patched)", "proc-macro dylib marked 32-bit (EI_CLASS patched)",
        "proc-macro dylib marked big-endian (EI_DATA patched)", "proc-macro dylib of an unknown rustc (1.42.0 patched into .rustc)",
        "proc-macro dylib without its registrar symbol (renamed in .dynstr)", "text file", "empty file", "missing file",
        "missing directory on the way", "directory", "/dev/zero", "FIFO (named pipe)", "symbolic link to itself",
        "path of 5000 characters", "empty path", "path with a NUL character",
    ];

    private void Add(string name, string path)
    {
        if (!Names.Contains(name)) throw new InvalidOperationException($"add {name} to Names");
        _paths.Add(name, path);
    }

    private string Write(string name, ReadOnlySpan<byte> bytes)
    {
        var path = _directory.File(name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    private string Gcc(string source, string output, string marker, params string[] flags)
    {
        var path = _directory.File(output);
        Run("gcc", [.. flags, "-shared", "-fPIC", "-O1", $"-DMARKER=\"{_directory.File(marker)}\"", "-o", path, source]);
        return path;
    }

    private static void PatchMachine(string path, ushort machine)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, Patched(bytes, 18, (byte)machine, (byte)(machine >> 8)));
    }

    private static byte[] Patched(byte[] original, int offset, params byte[] values)
    {
        var copy = (byte[])original.Clone();
        values.CopyTo(copy, offset);
        return copy;
    }

    private static byte[] Replace(byte[] original, string from, string to)
    {
        var copy = (byte[])original.Clone();
        var at = copy.AsSpan().IndexOf(Encoding.ASCII.GetBytes(from));
        if (at < 0) throw new InvalidOperationException($"`{from}` is not in the fixture dylib");
        Encoding.ASCII.GetBytes(to).CopyTo(copy, at);
        return copy;
    }

    private static void Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"`{tool}` is needed to make the bad dylibs but cannot be run ({e.Message}); scripts/install-deps.sh installs gcc and gcc-multilib.", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"`{tool} {string.Join(' ', arguments)}` failed ({process.ExitCode}): {stderr.Result}"
                    + (arguments.Contains("-m32") ? "\n-m32 needs gcc-multilib (scripts/install-deps.sh installs it)." : ""));
        }
    }

    public void Dispose() => _directory.Dispose();
}
