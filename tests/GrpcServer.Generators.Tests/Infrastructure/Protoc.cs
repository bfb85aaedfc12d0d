using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace GrpcServer.Generators.Tests.Infrastructure;

/// <summary>Runs the real protoc and grpc_csharp_plugin from the Grpc.Tools package.</summary>
internal static class Protoc
{
    /// <summary>The Grpc.Tools package folder (<c>$(PkgGrpc_Tools)</c>, recorded at build time).</summary>
    public static string GrpcToolsPath { get; } =
        typeof(Protoc).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "GrpcToolsPath").Value
        ?? throw new InvalidOperationException("GrpcToolsPath was not recorded at build time.");

    /// <summary>protoc's include folder with the well-known .proto files.</summary>
    public static string IncludePath => Path.Combine(GrpcToolsPath, "build", "native", "include");

    /// <summary>Runs protoc with <c>--csharp_out</c> and <c>--grpc_out</c>; returns the C# files it wrote.</summary>
    public static IReadOnlyList<(string Path, string Text)> GenerateCSharp(string protoRoot, IEnumerable<string> protoFiles)
    {
        var output = Directory.CreateTempSubdirectory("grpcserver-protoc-");
        try
        {
            // base_namespace= writes each file under a folder of its namespace, so that two .proto files of one
            // name in different folders (twins/v1/inventory.proto, twins/v2/inventory.proto) don't overwrite each other.
            Run(
                protoRoot,
                protoFiles,
                $"--csharp_out={output.FullName}",
                "--csharp_opt=base_namespace=",
                $"--grpc_out={output.FullName}",
                "--grpc_opt=base_namespace=",
                $"--plugin=protoc-gen-grpc={Tool("grpc_csharp_plugin")}");
            return output.EnumerateFiles("*.cs", SearchOption.AllDirectories)
                .OrderBy(f => f.FullName, StringComparer.Ordinal)
                .Select(f => (f.FullName, File.ReadAllText(f.FullName)))
                .ToList();
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>Runs protoc with <c>--descriptor_set_out</c> (with source info and imports); returns the serialized FileDescriptorSet.</summary>
    public static byte[] GenerateDescriptorSet(string protoRoot, IEnumerable<string> protoFiles)
    {
        var output = Path.Combine(Path.GetTempPath(), "grpcserver-protoc-" + Guid.NewGuid().ToString("N") + ".pb");
        try
        {
            Run(protoRoot, protoFiles, $"--descriptor_set_out={output}", "--include_imports", "--include_source_info");
            return File.ReadAllBytes(output);
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>
    /// Runs protoc over <paramref name="protoFiles"/> (virtual paths, looked up in <paramref name="protoPaths"/> in
    /// order, then protoc's include folder) and writes nothing: whether protoc accepts them, and what it said.
    /// </summary>
    public static (bool Accepted, string Errors) Check(IReadOnlyList<string> protoPaths, IEnumerable<string> protoFiles, string workingDirectory)
    {
        var start = new ProcessStartInfo(Tool("protoc"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var path in protoPaths)
        {
            start.ArgumentList.Add($"--proto_path={path}");
        }

        start.ArgumentList.Add($"--proto_path={IncludePath}");
        start.ArgumentList.Add("--descriptor_set_out=" + (OperatingSystem.IsWindows() ? "NUL" : "/dev/null"));
        foreach (var file in protoFiles)
        {
            start.ArgumentList.Add(file);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("protoc did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill();
            throw new TimeoutException("protoc did not finish within a minute.");
        }

        return (process.ExitCode == 0, stderr + stdout.Result);
    }

    private static void Run(string protoRoot, IEnumerable<string> protoFiles, params string[] outputs)
    {
        var start = new ProcessStartInfo(Tool("protoc"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add($"--proto_path={protoRoot}");
        start.ArgumentList.Add($"--proto_path={IncludePath}");
        foreach (var option in outputs)
        {
            start.ArgumentList.Add(option);
        }

        foreach (var file in protoFiles)
        {
            start.ArgumentList.Add(file);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("protoc did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new TimeoutException("protoc did not finish within 2 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"protoc failed with exit code {process.ExitCode}:\n{stderr.Result}\n{stdout}");
        }
    }

    private static string Tool(string name)
    {
        var os = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macosx" : "linux";
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 when os == "macosx" => "x64", // Grpc.Tools runs the x64 build under Rosetta.
            Architecture.Arm64 => "arm64",
            var other => throw new PlatformNotSupportedException($"Grpc.Tools has no protoc for {other}."),
        };
        var path = Path.Combine(GrpcToolsPath, "tools", $"{os}_{arch}", OperatingSystem.IsWindows() ? name + ".exe" : name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{name} not found in the Grpc.Tools package.", path);
        }

        if (!OperatingSystem.IsWindows())
        {
            // NuGet extracts files without the executable bit.
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode Execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & Execute) != Execute)
            {
                File.SetUnixFileMode(path, mode | Execute);
            }
        }

        return path;
    }
}
