namespace ProcMacroSrv.Bridge.Abi.Learning;

/// <summary>The bridge files the learner reads, as Rust text without comments.</summary>
internal sealed class BridgeSources
{
    private static readonly string[] Required = ["mod", "client", "server", "rpc", "buffer", "closure", "handle"];

    private readonly Dictionary<string, string> _files;

    private BridgeSources(BridgeSourceLocation location, Dictionary<string, string> files)
    {
        Location = location;
        _files = files;
    }

    /// <summary>Where the files were read from.</summary>
    public BridgeSourceLocation Location { get; }

    /// <summary>mod.rs: with_api!, the tag enums, the compound encodings.</summary>
    public string Mod => _files["mod"];

    /// <summary>client.rs: handle counters, Client, argument encoding, input decoding.</summary>
    public string Client => _files["client"];

    /// <summary>server.rs: handle stores and argument decoding.</summary>
    public string Server => _files["server"];

    /// <summary>rpc.rs: primitive encodings.</summary>
    public string Rpc => _files["rpc"];

    /// <summary>buffer.rs: the Buffer layout.</summary>
    public string Buffer => _files["buffer"];

    /// <summary>closure.rs: the Closure layout.</summary>
    public string Closure => _files["closure"];

    /// <summary>handle.rs: the handle type and counters.</summary>
    public string Handle => _files["handle"];

    /// <summary>symbol.rs (1.85+), or null when the bridge has none.</summary>
    public string? Symbol => _files.GetValueOrDefault("symbol");

    /// <summary>Reads the files of <paramref name="location"/>.</summary>
    /// <exception cref="BridgeLearningException">A required file is missing or unreadable.</exception>
    public static BridgeSources Load(BridgeSourceLocation location)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stem in Required.Append("symbol"))
        {
            var path = location.File(stem);
            if (!File.Exists(path))
            {
                if (stem == "symbol") continue;
                throw new BridgeLearningException($"{path} is missing: the bridge sources are incomplete");
            }
            try
            {
                files[stem] = RustText.StripComments(BridgeSourceText.Read(path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new BridgeLearningException($"{path} cannot be read: {e.Message}");
            }
        }
        return new BridgeSources(location, files);
    }
}
