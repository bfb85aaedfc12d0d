using GrpcServer.Generators.Tests.Infrastructure;

namespace GrpcServer.Generators.Tests;

/// <summary>How a .proto AdditionalFile's MSBuild metadata becomes its import path and import directories.</summary>
public sealed class ProtoInputReaderTests
{
    [Theory]
    [InlineData("../one|../two")]
    [InlineData("../one;../two")]
    public void Every_additional_import_dir_is_kept_whichever_separator_the_build_wrote(string importDirs)
    {
        var file = new InMemoryAdditionalText("/src/App/Protos/svc.proto", "syntax = \"proto3\";");
        var options = new TestOptionsProvider(
            new Dictionary<string, string> { ["build_property.ProjectDir"] = "/src/App/" },
            new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                [file.Path] = new Dictionary<string, string>
                {
                    ["build_metadata.AdditionalFiles.ProtoRoot"] = "Protos",
                    ["build_metadata.AdditionalFiles.AdditionalImportDirs"] = importDirs,
                },
            });

        var input = ProtoInputReader.Read(file, options, CancellationToken.None);

        Assert.Equal("svc.proto", input.ImportPath);
        Assert.Contains("/src/one", input.ImportDirectories);
        Assert.Contains("/src/two", input.ImportDirectories);
    }

    [Theory]
    [InlineData("/src/C#/App/", "Protos")]
    [InlineData("/src/a;b/100%/x y/", "my protos#1;2")]
    [InlineData("/src/%23 literal/", "%")]
    public void Paths_encoded_by_the_targets_round_trip_whatever_characters_they_hold(string projectDir, string protoRoot)
    {
        // As GrpcServer.targets writes them: '%', '#', ';', space, CR and LF percent-encoded.
        static string Encode(string value) => value.Replace("%", "%25").Replace("#", "%23").Replace(";", "%3B").Replace(" ", "%20").Replace("\r", "%0D").Replace("\n", "%0A");
        var path = projectDir + protoRoot + "/api/svc.proto";
        var file = new InMemoryAdditionalText(path, "syntax = \"proto3\";");
        var options = new TestOptionsProvider(
            new Dictionary<string, string> { ["build_property.GrpcServerProjectDir"] = Encode(projectDir), ["build_property.ProjectDir"] = "/cut/at/the/first/hash" },
            new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                [path] = new Dictionary<string, string>
                {
                    ["build_metadata.AdditionalFiles.GrpcServerProtoRoot"] = Encode(protoRoot),
                    ["build_metadata.AdditionalFiles.GrpcServerImportDirs"] = Encode("../shared #1;/opt/abs dir#x"),
                },
            });

        var input = ProtoInputReader.Read(file, options, CancellationToken.None);

        Assert.Equal("api/svc.proto", input.ImportPath);
        Assert.Equal(
            [(projectDir + protoRoot).TrimEnd('/'), projectDir.TrimEnd('/'), projectDir[..projectDir.TrimEnd('/').LastIndexOf('/')] + "/shared #1", "/opt/abs dir#x", projectDir + protoRoot + "/api"],
            input.ImportDirectories);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a%23b%3Bc%20d%25e%0A", "a#b;c d%e\n")]
    [InlineData("100% sure %zz %2", "100% sure %zz %2")]
    public void Decoding_turns_percent_escapes_back_and_leaves_anything_else(string encoded, string decoded)
    {
        Assert.Equal(decoded, ProtoInputReader.Decode(encoded));
    }
}
