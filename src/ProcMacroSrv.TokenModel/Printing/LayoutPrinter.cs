using System.Text;

namespace ProcMacroSrv.TokenModel.Printing;

/// <summary>
/// A streaming line-breaking printer in the style of Oppen's algorithm, with the parameters
/// and rules of rustc_ast_pretty's <c>pp</c> module (margin 78, minimum space 60, widths in
/// UTF-8 bytes), so that long token streams break into lines where rustc's do.
/// </summary>
/// <remarks>
/// Text is buffered only while the layout of an enclosing box is undecided; the work per
/// token is amortized constant and nothing recurses, so arbitrarily deep boxes are fine.
/// </remarks>
internal sealed class LayoutPrinter
{
    private const int Margin = 78;
    private const int MinSpace = 60;
    private const int SizeInfinity = 0xFFFF;

    private enum EntryKind : byte { Text, Break, Begin, End }

    private struct Entry
    {
        public EntryKind Kind;
        public string? Text;
        public int Width;
        /// <summary>Break: indentation change on a line break. Begin: indentation of the box.</summary>
        public int Offset;
        /// <summary>Break: the number of spaces when not broken.</summary>
        public int Blank;
        /// <summary>Begin: all breaks break together.</summary>
        public bool Consistent;
        /// <summary>Negative while unknown; then the size of the entry and what follows up to the next break.</summary>
        public int Size;
    }

    private readonly struct Frame(bool fits, int indent, bool consistent)
    {
        public readonly bool Fits = fits;
        public readonly int Indent = indent;
        public readonly bool Consistent = consistent;
    }

    private readonly StringBuilder _out;
    private int _space = Margin;

    // The buffer is a deque addressed by absolute indices: _bufferOffset is the index of its first entry.
    private Entry[] _buffer = new Entry[64];
    private int _bufferHead;
    private int _bufferCount;
    private long _bufferOffset;

    private long _leftTotal;
    private long _rightTotal;

    // Indices of Begin, End and Break entries whose size is not known yet.
    private long[] _scan = new long[64];
    private int _scanHead;
    private int _scanCount;

    private readonly List<Frame> _printStack = [];
    private int _indent;
    private int _pendingIndentation;

    public LayoutPrinter(StringBuilder output) => _out = output;

    private ref Entry At(long index) => ref _buffer[(int)((_bufferHead + (index - _bufferOffset)) % _buffer.Length)];

    private long Push(in Entry entry)
    {
        if (_bufferCount == _buffer.Length)
        {
            var bigger = new Entry[_buffer.Length * 2];
            for (var i = 0; i < _bufferCount; i++) bigger[i] = _buffer[(_bufferHead + i) % _buffer.Length];
            _buffer = bigger;
            _bufferHead = 0;
        }
        _buffer[(_bufferHead + _bufferCount) % _buffer.Length] = entry;
        _bufferCount++;
        return _bufferOffset + _bufferCount - 1;
    }

    private Entry PopFirst()
    {
        var e = _buffer[_bufferHead];
        _buffer[_bufferHead] = default;
        _bufferHead = (_bufferHead + 1) % _buffer.Length;
        _bufferCount--;
        _bufferOffset++;
        return e;
    }

    private void ClearBuffer()
    {
        // The absolute indices keep counting, so entries still named on the scan stack cannot alias.
        _bufferOffset += _bufferCount;
        Array.Clear(_buffer);
        _bufferHead = 0;
        _bufferCount = 0;
    }

    private void ScanPushBack(long index)
    {
        if (_scanCount == _scan.Length)
        {
            var bigger = new long[_scan.Length * 2];
            for (var i = 0; i < _scanCount; i++) bigger[i] = _scan[(_scanHead + i) % _scan.Length];
            _scan = bigger;
            _scanHead = 0;
        }
        _scan[(_scanHead + _scanCount) % _scan.Length] = index;
        _scanCount++;
    }

    private long ScanBack => _scan[(_scanHead + _scanCount - 1) % _scan.Length];

    private long ScanFront => _scan[_scanHead];

    private void ScanPopBack() => _scanCount--;

    private void ScanPopFront()
    {
        _scanHead = (_scanHead + 1) % _scan.Length;
        _scanCount--;
    }

    /// <summary>Opens a box whose breaks break independently; lines inside are indented by <paramref name="indent"/>.</summary>
    public void BeginInconsistent(int indent) => Begin(indent, consistent: false);

    /// <summary>Opens a box whose breaks all break when it does not fit.</summary>
    public void BeginConsistent(int indent) => Begin(indent, consistent: true);

    private void Begin(int indent, bool consistent)
    {
        if (_scanCount == 0)
        {
            _leftTotal = 1;
            _rightTotal = 1;
            ClearBuffer();
        }
        var index = Push(new Entry { Kind = EntryKind.Begin, Offset = indent, Consistent = consistent, Size = (int)-_rightTotal });
        ScanPushBack(index);
    }

    /// <summary>Closes the innermost box.</summary>
    public void End()
    {
        if (_scanCount == 0)
        {
            PrintEnd();
            return;
        }
        var index = Push(new Entry { Kind = EntryKind.End, Size = -1 });
        ScanPushBack(index);
    }

    /// <summary>A place where the line may break: <paramref name="blank"/> spaces if not.</summary>
    public void Break(int blank, int offset)
    {
        if (_scanCount == 0)
        {
            _leftTotal = 1;
            _rightTotal = 1;
            ClearBuffer();
        }
        else
        {
            CheckStack(0);
        }
        var index = Push(new Entry { Kind = EntryKind.Break, Offset = offset, Blank = blank, Size = (int)-_rightTotal });
        ScanPushBack(index);
        _rightTotal += blank;
    }

    /// <summary>A line break that always breaks (rustc's <c>hardbreak</c>: a break too wide for any line).</summary>
    public void Hardbreak() => Break(SizeInfinity, 0);

    /// <summary>Text that never breaks; <paramref name="width"/> is its length in UTF-8 bytes.</summary>
    public void Text(string text, int width)
    {
        if (_scanCount == 0)
        {
            PrintText(text, width);
            return;
        }
        Push(new Entry { Kind = EntryKind.Text, Text = text, Width = width, Size = width });
        _rightTotal += width;
        CheckStream();
    }

    /// <summary>Flushes everything still buffered.</summary>
    public void Finish()
    {
        if (_scanCount == 0) return;
        CheckStack(0);
        AdvanceLeft();
    }

    private void CheckStream()
    {
        while (_rightTotal - _leftTotal > _space)
        {
            if (_scanCount > 0 && ScanFront == _bufferOffset)
            {
                ScanPopFront();
                At(_bufferOffset).Size = SizeInfinity;
            }
            AdvanceLeft();
            if (_bufferCount == 0) break;
        }
    }

    private void AdvanceLeft()
    {
        while (_bufferCount > 0 && _buffer[_bufferHead].Size >= 0)
        {
            var left = PopFirst();
            switch (left.Kind)
            {
                case EntryKind.Text:
                    _leftTotal += left.Width;
                    PrintText(left.Text!, left.Width);
                    break;
                case EntryKind.Break:
                    _leftTotal += left.Blank;
                    PrintBreak(left.Blank, left.Offset, left.Size);
                    break;
                case EntryKind.Begin:
                    PrintBegin(left.Offset, left.Consistent, left.Size);
                    break;
                case EntryKind.End:
                    PrintEnd();
                    break;
            }
        }
    }

    private void CheckStack(int depth)
    {
        while (_scanCount > 0)
        {
            var index = ScanBack;
            ref var entry = ref At(index);
            switch (entry.Kind)
            {
                case EntryKind.Begin:
                    if (depth == 0) return;
                    ScanPopBack();
                    entry.Size += (int)_rightTotal;
                    depth--;
                    break;
                case EntryKind.End:
                    ScanPopBack();
                    entry.Size = 1;
                    depth++;
                    break;
                default:
                    ScanPopBack();
                    entry.Size += (int)_rightTotal;
                    if (depth == 0) return;
                    break;
            }
        }
    }

    private void PrintBegin(int offset, bool consistent, int size)
    {
        if (size > _space)
        {
            _printStack.Add(new Frame(false, _indent, consistent));
            _indent = Math.Max(0, _indent + offset);
        }
        else
        {
            _printStack.Add(new Frame(true, 0, false));
        }
    }

    private void PrintEnd()
    {
        if (_printStack.Count == 0) return;
        var frame = _printStack[^1];
        _printStack.RemoveAt(_printStack.Count - 1);
        if (!frame.Fits) _indent = frame.Indent;
    }

    private void PrintBreak(int blank, int offset, int size)
    {
        // Outside every box, breaks behave as in an inconsistent box at indentation 0.
        bool fits;
        if (_printStack.Count == 0) fits = size <= _space;
        else
        {
            var top = _printStack[^1];
            fits = top.Fits || (!top.Consistent && size <= _space);
        }
        if (fits)
        {
            _pendingIndentation += blank;
            _space -= blank;
        }
        else
        {
            _out.Append('\n');
            var indent = _indent + offset;
            _pendingIndentation = indent;
            _space = Math.Max(Margin - indent, MinSpace);
        }
    }

    private void PrintText(string text, int width)
    {
        if (_pendingIndentation > 0) _out.Append(' ', _pendingIndentation);
        _pendingIndentation = 0;
        _out.Append(text);
        _space -= width;
    }
}
