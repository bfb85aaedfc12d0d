using GrpcServer.Generators.Tests.Infrastructure;
using static GrpcServer.Generators.Tests.Infrastructure.GeneratorHarness;

namespace GrpcServer.Generators.Tests;

/// <summary>The generated source, byte for byte, against the verified files in Snapshots/.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void Greeter_proto_generates_descriptors_catalog_and_add_handler_overloads()
    {
        var result = Run(Proto("greet.proto"));

        Assert.Empty(result.Diagnostics());
        var sources = result.Sources();
        Assert.Equal(["GrpcServer.AddHandler.g.cs", "GrpcServer.Catalog.g.cs", "greet.proto.g.cs"], sources.Keys.Order(StringComparer.Ordinal));
        VerifyAll("Greeter", sources);
    }

    [Fact]
    public void All_rpc_kinds_packages_namespaces_and_well_known_types_generate_as_verified()
    {
        var result = Run(ProtocCompileTests.ProtoFiles.Select(p => Proto(p)).ToArray());

        Assert.Empty(result.Diagnostics());
        var sources = result.Sources();
        Assert.Equal(
            [
                "GrpcServer.AddHandler.g.cs", "GrpcServer.Catalog.g.cs", "custom_namespace.proto.g.cs", "greet.proto.g.cs",
                "no_package.proto.g.cs", "route_guide.proto.g.cs", "shop.orders.proto.g.cs", "well_known.proto.g.cs",
            ],
            sources.Keys.Order(StringComparer.Ordinal));

        // The AddHandler overloads are the same text in every project (EmitterTests); the Greeter snapshot holds them.
        VerifyAll("AllProtos", sources.Where(s => s.Key != "GrpcServer.AddHandler.g.cs").ToDictionary());
    }

    [Fact]
    public void Proto_without_rpcs_generates_nothing()
    {
        var result = Run(Proto("shop/common.proto"));

        Assert.Empty(result.Diagnostics());
        Assert.Empty(result.Sources());
    }

    [Fact]
    public void Generated_source_does_not_depend_on_the_order_of_additional_files()
    {
        var files = ProtocCompileTests.ProtoFiles.Select(p => Proto(p)).ToArray();

        var forward = Run(files).Sources();
        var backward = Run(files.Reverse().ToArray()).Sources();

        Assert.Equal(forward.OrderBy(p => p.Key, StringComparer.Ordinal), backward.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    private static void VerifyAll(string prefix, IReadOnlyDictionary<string, string> sources)
    {
        Snapshot.VerifyAll(sources.Select(s => (prefix + "." + s.Key[..^".cs".Length], s.Value)));
    }
}
