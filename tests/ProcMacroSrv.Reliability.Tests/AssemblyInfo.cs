// The server, its tests and the fixtures are Linux-only (ELF dylibs, /proc, signals).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
