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
}
