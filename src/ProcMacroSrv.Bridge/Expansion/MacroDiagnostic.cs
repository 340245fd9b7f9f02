using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Bridge.Expansion;

/// <summary>The level of a diagnostic a macro emits (bridge numbering).</summary>
public enum DiagnosticLevel : byte
{
    /// <summary>An error.</summary>
    Error = 0,
    /// <summary>A warning.</summary>
    Warning = 1,
    /// <summary>A note.</summary>
    Note = 2,
    /// <summary>A help message.</summary>
    Help = 3,
}

/// <summary>A diagnostic emitted by a macro through <c>proc_macro::Diagnostic::emit</c>.</summary>
/// <param name="Level">Its level.</param>
/// <param name="Message">Its text.</param>
/// <param name="Spans">Where it points.</param>
/// <param name="Children">Attached notes and help.</param>
public sealed record MacroDiagnostic(DiagnosticLevel Level, string Message, IReadOnlyList<Span> Spans, IReadOnlyList<MacroDiagnostic> Children);
