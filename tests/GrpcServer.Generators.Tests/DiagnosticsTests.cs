using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using static GrpcServer.Generators.Tests.Infrastructure.GeneratorHarness;

namespace GrpcServer.Generators.Tests;

/// <summary>Problems in .proto files become located diagnostics with IDs; good files still generate.</summary>
public sealed class DiagnosticsTests
{
    private const string Greet = """
        syntax = "proto3";
        package helloworld;
        service Greeter { rpc SayHello (HelloRequest) returns (HelloReply); }
        message HelloRequest { string name = 1; }
        message HelloReply { string message = 1; }
        """;

    private static Diagnostic Single(GeneratorDriverRunResult result, string id) =>
        Assert.Single(result.Diagnostics(), d => d.Id == id);

    private static void AssertAt(Diagnostic diagnostic, string path, int line, int column)
    {
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(ProjectDir + path, span.Path);
        Assert.Equal((line, column), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
    }

    [Fact]
    public void Syntax_error_is_reported_in_the_proto_file_at_the_token_with_its_id()
    {
        var result = Run(("Protos/broken.proto", "syntax = \"proto3\";\nmessage M {\n  string name = 1 }\n"));

        var diagnostic = Assert.Single(result.Diagnostics());
        Assert.Equal("GRPCSRV001", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("expected ';' after field 'name', found '}'", diagnostic.GetMessage());
        AssertAt(diagnostic, "Protos/broken.proto", 3, 19);
        Assert.Equal(new Microsoft.CodeAnalysis.Text.TextSpan(49, 1), diagnostic.Location.SourceSpan);
        Assert.Equal(HelpLinks.For("GRPCSRV001") ?? "", diagnostic.Descriptor.HelpLinkUri);
    }

    [Fact]
    public void Broken_file_does_not_stop_other_files_from_generating()
    {
        var result = Run(("broken.proto", "service Oops { rpc ; }"), ("greet.proto", Greet));

        Assert.All(result.Diagnostics(), d => Assert.Equal(ProjectDir + "broken.proto", d.Location.GetLineSpan().Path));
        Assert.NotEmpty(result.Diagnostics());
        Assert.Contains("greet.proto.g.cs", result.Sources().Keys);
        Assert.Contains("global::Helloworld.GreeterRpcs.Service,", result.Sources()["GrpcServer.Catalog.g.cs"], StringComparison.Ordinal);
        Assert.Contains("> SayHello =", result.Sources()["greet.proto.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Semantic_error_has_its_own_id()
    {
        var result = Run(("a.proto", "syntax = \"proto3\"; message M { int32 a = 0; }"));

        var diagnostic = Single(result, "GRPCSRV002");
        Assert.Equal("the number of field 'a' must be between 1 and 536870911, not 0", diagnostic.GetMessage());
        AssertAt(diagnostic, "a.proto", 1, 42);
    }

    [Fact]
    public void Unknown_rpc_type_is_reported_at_the_type_name()
    {
        var result = Run(("greet.proto", Greet.Replace("returns (HelloReply)", "returns (HelloResponse)")));

        var diagnostic = Single(result, "GRPCSRV004");
        Assert.Equal("unknown type 'HelloResponse' in rpc 'SayHello' response", diagnostic.GetMessage());
        AssertAt(diagnostic, "greet.proto", 3, 56);
        Assert.DoesNotContain("SayHello", result.Sources()["greet.proto.g.cs"], StringComparison.Ordinal);

        // The service stays, without the RPC: AddHandler then says the service has no RPC 'SayHello'.
        Assert.Contains("global::Helloworld.GreeterRpcs.Service,", result.Sources()["GrpcServer.Catalog.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Type_declared_in_a_file_that_is_not_imported_is_named_in_the_message()
    {
        var result = Run(
            ("types.proto", "syntax = \"proto3\"; package t; message Req {} message Resp {}"),
            ("svc.proto", "syntax = \"proto3\"; package t; service S { rpc Call(Req) returns (Resp); }"));

        Assert.Equal(
            [
                "unknown type 'Req' in rpc 'Call' request; 't.Req' is declared in 'types.proto', which 'svc.proto' does not import (add: import \"types.proto\";)",
                "unknown type 'Resp' in rpc 'Call' response; 't.Resp' is declared in 'types.proto', which 'svc.proto' does not import (add: import \"types.proto\";)",
            ],
            result.Diagnostics().Select(d => d.GetMessage()));
    }

    [Fact]
    public void Import_not_among_the_additional_files_is_a_warning_at_the_import()
    {
        var result = Run(("svc.proto", "syntax = \"proto3\";\nimport \"google/api/annotations.proto\";\nimport \"google/protobuf/empty.proto\";\nservice S { rpc Call(google.protobuf.Empty) returns (Missing); }"));

        var warning = Single(result, "GRPCSRV003");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.StartsWith("import 'google/api/annotations.proto' not found among the project's .proto files (AdditionalFiles)", warning.GetMessage(), StringComparison.Ordinal);
        AssertAt(warning, "svc.proto", 2, 8);
        Assert.EndsWith("; it may be declared in 'google/api/annotations.proto', which was not found", Single(result, "GRPCSRV004").GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Enum_as_rpc_request_is_reported()
    {
        var result = Run(("e.proto", "syntax = \"proto3\"; package p; enum Color { RED = 0; } message M {} service S { rpc Paint(Color) returns (M); }"));

        Assert.Equal("the request of rpc 'Paint' is the enum 'p.Color', not a message; rpc requests and responses must be messages", Single(result, "GRPCSRV005").GetMessage());
    }

    [Fact]
    public void Simple_name_that_matches_an_rpc_names_the_rpc_as_protoc_resolves_it()
    {
        // protoc: "Ping" is not a message type.
        var result = Run(("p.proto", "syntax = \"proto3\"; package p; message Ping {} service S { rpc Ping(Ping) returns (Ping); }"));

        Assert.Equal(
            [
                "the request of rpc 'Ping' is the rpc 'p.S.Ping', not a message; rpc requests and responses must be messages",
                "the response of rpc 'Ping' is the rpc 'p.S.Ping', not a message; rpc requests and responses must be messages",
            ],
            result.Diagnostics().Select(d => d.GetMessage()));
    }

    [Fact]
    public void Duplicate_names_in_one_file_and_across_files_are_reported()
    {
        var result = Run(
            ("a.proto", "syntax = \"proto3\"; package p;\nmessage M {}\nmessage M {}\nenum E { UNKNOWN = 0; }\nenum F { UNKNOWN = 0; }"),
            ("b.proto", "syntax = \"proto3\"; package p;\nmessage M {}"));

        Assert.Equal(
            [
                ("a.proto", 3, "'p.M' is already declared as a message at line 2"),
                ("a.proto", 5, "'p.UNKNOWN' is already declared as an enum value at line 4"),
                ("b.proto", 2, "'p.M' is already declared as a message in 'a.proto'"),
            ],
            result.Diagnostics().Where(d => d.Id == "GRPCSRV006").Select(d => (Path.GetFileName(d.Location.GetLineSpan().Path), d.Location.GetLineSpan().StartLinePosition.Line + 1, d.GetMessage())));
    }

    [Fact]
    public void Rpc_named_like_its_descriptor_class_is_reported_instead_of_emitting_broken_code()
    {
        var result = Run(("g.proto", "syntax = \"proto3\"; message M {} service Greeter { rpc GreeterRpcs(M) returns (M); rpc Ok(M) returns (M); }"));

        Assert.Equal("rpc 'GreeterRpcs' would be a member named like its enclosing class 'GreeterRpcs', which C# does not allow; rename the rpc or the service", Single(result, "GRPCSRV007").GetMessage());
        Assert.Contains("> Ok =", result.Sources()["g.proto.g.cs"], StringComparison.Ordinal);
        Assert.DoesNotContain("> GreeterRpcs =", result.Sources()["g.proto.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptor_class_named_like_a_message_is_reported()
    {
        var result = Run(("g.proto", "syntax = \"proto3\"; package p; message GreeterRpcs {} service Greeter { rpc A(GreeterRpcs) returns (GreeterRpcs); }"));

        Assert.StartsWith("the descriptor class 'global::P.GreeterRpcs' for service 'p.Greeter' has the name of message 'p.GreeterRpcs'", Single(result, "GRPCSRV007").GetMessage(), StringComparison.Ordinal);
        Assert.Empty(result.Sources());
    }

    [Fact]
    public void Rpc_names_that_are_keywords_or_object_members_still_compile()
    {
        var result = Run(("k.proto", "syntax = \"proto3\"; message M {} service K { rpc class(M) returns (M); rpc ToString(M) returns (M); }"));

        Assert.Empty(result.Diagnostics());
        var source = result.Sources()["k.proto.g.cs"];
        Assert.Contains("public static readonly global::GrpcServer.UnaryRpc<global::M, global::M> @class =", source, StringComparison.Ordinal);
        Assert.Contains("public static new readonly global::GrpcServer.UnaryRpc<global::M, global::M> ToString =", source, StringComparison.Ordinal);
        Assert.Contains("RpcMetadataServices.CreateUnaryRpc(Service, \"class\",", source, StringComparison.Ordinal);
        Assert.Contains("{ @class!, ToString! }", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_option_from_a_file_that_is_not_imported_is_an_error_and_a_keyword_type_name_a_warning()
    {
        var result = Run(
            ("opts.proto", "syntax = \"proto3\"; package o; import \"google/protobuf/descriptor.proto\"; extend google.protobuf.FileOptions { string owner = 50100; }"),
            ("svc.proto", "syntax = \"proto3\";\npackage s;\noption (o.owner) = \"me\";\nmessage event {}"));

        var error = Single(result, "GRPCSRV009");
        Assert.Equal("option '(o.owner)' is declared in 'opts.proto', which 'svc.proto' does not import (add: import \"opts.proto\";)", error.GetMessage());
        AssertAt(error, "svc.proto", 3, 8);
        var warning = Single(result, "GRPCSRV010");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.StartsWith("message 's.event' is named like the C# keyword 'event', which protoc's C# generator does not escape", warning.GetMessage(), StringComparison.Ordinal);
        AssertAt(warning, "svc.proto", 4, 9);
    }

    [Fact]
    public void Every_descriptor_has_a_unique_sequential_id_and_a_help_link()
    {
        var ids = DiagnosticDescriptors.All.Select(d => d.Id).ToList();

        Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => $"GRPCSRV{i:000}"), ids);
        Assert.All(DiagnosticDescriptors.All, d => Assert.Equal(HelpLinks.For(d.Id) ?? "", d.HelpLinkUri));
        Assert.All(DiagnosticDescriptors.All, d => Assert.Equal("GrpcServer", d.Category));
    }
}
