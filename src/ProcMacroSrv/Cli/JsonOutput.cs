using System.Text.Encodings.Web;
using System.Text.Json;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Inspection;

namespace ProcMacroSrv.Cli;

/// <summary>The JSON shapes of <c>--json</c> output, written without reflection.</summary>
internal static class JsonOutput
{
    public static Utf8JsonWriter CreateWriter() =>
        new(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static void WriteVersion(Utf8JsonWriter w, string name, RustcVersion v)
    {
        w.WriteStartObject(name);
        w.WriteNumber("major", v.Major);
        w.WriteNumber("minor", v.Minor);
        w.WriteNumber("patch", v.Patch);
        w.WriteString("channel", v.Channel.ToString().ToLowerInvariant());
        if (v.Commit is null) w.WriteNull("commit");
        else w.WriteString("commit", v.Commit);
        if (v.Date is null) w.WriteNull("date");
        else w.WriteString("date", v.Date.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }

    public static void WriteMacros(Utf8JsonWriter w, string name, IReadOnlyList<ProcMacroDescriptor> macros)
    {
        w.WriteStartArray(name);
        foreach (var m in macros)
        {
            w.WriteStartObject();
            w.WriteString("name", m.Name);
            w.WriteString("kind", ListCommand.KindName(m.Kind));
            w.WriteStartArray("helpers");
            foreach (var h in m.Helpers) w.WriteStringValue(h);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
