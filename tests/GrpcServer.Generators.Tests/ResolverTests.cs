using GrpcServer.Generators.Tests.Infrastructure;
using static GrpcServer.Generators.Tests.Infrastructure.GeneratorHarness;

namespace GrpcServer.Generators.Tests;

/// <summary>Imports, visibility and protobuf's scoping rules for rpc types, as protoc applies them.</summary>
public sealed class ResolverTests
{
    private static string Catalog(Microsoft.CodeAnalysis.GeneratorDriverRunResult result) => result.Sources()["GrpcServer.Catalog.g.cs"];

    [Fact]
    public void Dotted_name_is_searched_only_in_the_innermost_scope_that_has_its_first_part()
    {
        // protoc: "shop.Order" is resolved to "acme.shop.shop.Order", which is not defined.
        var result = Run(("s.proto", """
            syntax = "proto3";
            package acme.shop;
            message shop {}
            message Order {}
            service Svc { rpc Get(shop.Order) returns (.acme.shop.Order); }
            """));

        Assert.Equal(
            "unknown type 'shop.Order' in rpc 'Get' request; it resolves to 'acme.shop.shop.Order', which is not declared: 'shop' is found first as 'acme.shop.shop' (write '.shop.Order' to search from the outermost scope)",
            Assert.Single(result.Diagnostics()).GetMessage());
    }

    [Fact]
    public void Types_of_a_plainly_imported_files_imports_are_not_visible()
    {
        var result = Run(
            ("c.proto", "syntax = \"proto3\"; package p; message T {}"),
            ("b.proto", "syntax = \"proto3\"; package p; import \"c.proto\";"),
            ("a.proto", "syntax = \"proto3\"; package p; import \"b.proto\"; service S { rpc Get(T) returns (T); }"));

        Assert.All(result.Diagnostics(), d => Assert.EndsWith("'p.T' is declared in 'c.proto', which 'a.proto' does not import (add: import \"c.proto\";)", d.GetMessage(), StringComparison.Ordinal));
        Assert.Equal(2, result.Diagnostics().Length);
    }

    [Fact]
    public void Types_re_exported_by_import_public_chains_and_weak_imports_are_visible()
    {
        var result = Run(
            ("c.proto", "syntax = \"proto3\"; package p; message T {}"),
            ("b.proto", "syntax = \"proto3\"; package p; import public \"c.proto\";"),
            ("w.proto", "syntax = \"proto3\"; package q; message W {}"),
            ("a.proto", "syntax = \"proto3\"; package p; import \"b.proto\"; import weak \"w.proto\"; service S { rpc Get(T) returns (q.W); }"));

        Assert.Empty(result.Diagnostics());
        Assert.Contains("global::P.SRpcs.Service,", Catalog(result), StringComparison.Ordinal);
        Assert.Contains("global::GrpcServer.UnaryRpc<global::P.T, global::Q.W> Get", result.Sources()["a.proto.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Edition_2024_local_types_are_visible_only_in_their_own_file()
    {
        var result = Run(
            ("types.proto", """
                edition = "2024";
                package t;
                export message Req { message Inner {} export message Pub {} }
                local message Hidden {}
                service Own { rpc Get(Req.Inner) returns (Hidden); }
                """),
            ("client.proto", """
                edition = "2023";
                package c;
                import "types.proto";
                service Client { rpc A(t.Req.Pub) returns (t.Req); rpc B(t.Req.Inner) returns (t.Hidden); }
                """));

        Assert.Equal(
            [
                "unknown type 't.Req.Inner' in rpc 'B' request; 't.Req.Inner' is local to 'types.proto' by that file's features.default_symbol_visibility (in edition 2024 nested types are local unless declared 'export'); declare it 'export' to use it here",
                "unknown type 't.Hidden' in rpc 'B' response; 't.Hidden' is declared 'local' in 'types.proto', so only that file may use it (declare it 'export' to use it here)",
            ],
            result.Diagnostics().Select(d => d.GetMessage()));
        Assert.Contains("UnaryRpc<global::T.Req.Types.Inner, global::T.Hidden> Get", result.Sources()["types.proto.g.cs"], StringComparison.Ordinal);
        Assert.Contains("UnaryRpc<global::T.Req.Types.Pub, global::T.Req> A", result.Sources()["client.proto.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Edition_2024_default_symbol_visibility_export_all_exports_nested_types()
    {
        var result = Run(
            ("types.proto", "edition = \"2024\"; package t; option features.default_symbol_visibility = EXPORT_ALL; message Req { message Inner {} }"),
            ("client.proto", "edition = \"2024\"; package c; import \"types.proto\"; service Client { rpc A(t.Req.Inner) returns (t.Req); }"));

        Assert.Empty(result.Diagnostics());
    }

    [Fact]
    public void Types_of_a_file_imported_only_for_its_options_are_not_visible()
    {
        var result = Run(
            ("opts.proto", "syntax = \"proto3\"; package o; message M {}"),
            ("svc.proto", "edition = \"2024\"; package s; import option \"opts.proto\"; service S { rpc A(o.M) returns (o.M); }"));

        Assert.Equal(2, result.Diagnostics().Length);
        Assert.All(result.Diagnostics(), d => Assert.EndsWith(
            "; 'o.M' is declared in 'opts.proto', which 'svc.proto' imports only for its options (write: import \"opts.proto\"; to use its types)",
            d.GetMessage(),
            StringComparison.Ordinal));
    }

    [Fact]
    public void Map_entry_message_is_not_an_rpc_type_and_takes_its_name_in_the_message()
    {
        // protoc accepts a map entry as an rpc type, but its C# generator makes no class for it.
        var result = Run(("m.proto", """
            syntax = "proto3";
            package m;
            message Product { map<string, string> my_labels_2x = 1; map<int32, Product> children = 2; message ChildrenEntry {} }
            service S { rpc Get(Product.MyLabels2xEntry) returns (Product); }
            """));

        Assert.Equal(
            [
                ("GRPCSRV006", "'m.Product.ChildrenEntry' is already declared as the entry type of map field 'children' at line 3"),
                ("GRPCSRV005", "the request of rpc 'Get' is the map entry 'm.Product.MyLabels2xEntry', not a message; rpc requests and responses must be messages"),
            ],
            result.Diagnostics().Select(d => (d.Id, d.GetMessage())));
    }

    [Fact]
    public void Field_map_value_and_extendee_types_that_protoc_rejects_are_reported_at_the_type()
    {
        var result = Run(
            ("other.proto", "syntax = \"proto3\"; package o; message Money {}"),
            ("m.proto", """
                syntax = "proto2";
                package f;
                enum E { A = 0; }
                service S {}
                message M {
                  optional Fooo a = 1;
                  map<string, Barr> b = 2;
                  optional f.S c = 3;
                  optional o.Money d = 4;
                }
                extend E { optional int32 x = 100; }
                """));

        Assert.Equal(
            [
                ("6:12", "unknown type 'Fooo' in field 'a' of message 'f.M'"),
                ("7:3", "unknown type 'Barr' in field 'b' of message 'f.M'"),
                ("8:12", "unknown type 'f.S' in field 'c' of message 'f.M'; 'f.S' is a service, not a message or enum"),
                ("9:12", "unknown type 'o.Money' in field 'd' of message 'f.M'; 'o.Money' is declared in 'other.proto', which 'm.proto' does not import (add: import \"other.proto\";)"),
                ("11:8", "unknown type 'E' in 'extend E'; 'f.E' is an enum, not a message (only messages can be extended)"),
            ],
            result.Diagnostics().Select(d => (
                $"{d.Location.GetLineSpan().StartLinePosition.Line + 1}:{d.Location.GetLineSpan().StartLinePosition.Character + 1}",
                d.GetMessage())));
    }

    [Fact]
    public void Field_type_lookup_skips_fields_named_like_the_type_as_protoc_does()
    {
        var result = Run(("f.proto", """
            syntax = "proto3";
            package f;
            message Foo {}
            message M { message Inner { Foo Foo = 1; Foo bar = 2; map<int32, Foo> baz = 3; } }
            """));

        Assert.Empty(result.Diagnostics());
    }

    [Fact]
    public void Nested_and_sibling_package_names_resolve_from_the_rpc_scope_outwards()
    {
        var result = Run(
            ("common.proto", "syntax = \"proto3\"; package acme.common; message Money { message Cents {} }"),
            ("api.proto", """
                syntax = "proto3";
                package acme.api.v1;
                import "common.proto";
                service Billing {
                  rpc A(common.Money) returns (acme.common.Money.Cents);
                  rpc B(.acme.common.Money) returns (api.v1.Local.Inner);
                }
                message Local { message Inner {} }
                """));

        Assert.Empty(result.Diagnostics());
        var source = result.Sources()["api.proto.g.cs"];
        Assert.Contains("UnaryRpc<global::Acme.Common.Money, global::Acme.Common.Money.Types.Cents> A", source, StringComparison.Ordinal);
        Assert.Contains("UnaryRpc<global::Acme.Common.Money, global::Acme.Api.V1.Local.Types.Inner> B", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_paths_are_relative_to_proto_root_and_additional_import_dirs()
    {
        var options = new TestOptionsProvider(
            new Dictionary<string, string> { ["build_property.ProjectDir"] = "/src/App/" },
            new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["/src/App/Protos/api/svc.proto"] = new Dictionary<string, string>
                {
                    ["build_metadata.AdditionalFiles.ProtoRoot"] = "Protos",
                    ["build_metadata.AdditionalFiles.AdditionalImportDirs"] = "../shared/protos",
                },
                ["/src/App/Protos/api/types.proto"] = new Dictionary<string, string> { ["build_metadata.AdditionalFiles.ProtoRoot"] = "Protos" },
            });

        var result = Run(
            [
                ("/src/shared/protos/money/money.proto", "syntax = \"proto3\"; package money; message Money {}"),
                ("/src/App/Protos/api/types.proto", "syntax = \"proto3\"; package api; message Req {}"),
                ("/src/App/Protos/api/svc.proto", "syntax = \"proto3\"; package api; import \"api/types.proto\"; import \"money/money.proto\"; service S { rpc Pay(Req) returns (money.Money); }"),
            ],
            options);

        Assert.Empty(result.Diagnostics());
        Assert.Contains("api.svc.proto.g.cs", result.Sources().Keys);
    }

    [Fact]
    public void Without_proto_root_the_import_path_is_relative_to_the_project_directory()
    {
        var result = Run(
            ("Protos/types.proto", "syntax = \"proto3\"; message Req {}"),
            ("Protos/svc.proto", "syntax = \"proto3\"; import \"Protos/types.proto\"; service S { rpc Get(Req) returns (Req); }"));

        Assert.Empty(result.Diagnostics());
        Assert.Contains("Protos.svc.proto.g.cs", result.Sources().Keys);
    }

    [Fact]
    public void Without_proto_root_an_import_is_also_found_beside_the_importing_file()
    {
        var result = Run(
            ("Protos/api/types.proto", "syntax = \"proto3\"; package api; message Req {}"),
            ("Protos/api/svc.proto", "syntax = \"proto3\"; package api; import \"types.proto\"; service S { rpc Get(Req) returns (Req); }"));

        Assert.Empty(result.Diagnostics());
        Assert.Contains("UnaryRpc<global::Api.Req, global::Api.Req> Get", result.Sources()["Protos.api.svc.proto.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Hint_names_are_unique_and_valid_for_every_proto_path()
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        var names = new[] { "a/b.proto", "a.b.proto", "A.B.proto", "we ird/na+me.proto", "../up.proto" }
            .Select(p => Model.CSharpNaming.CreateHintName(p, used))
            .ToList();

        Assert.Equal(["a.b.proto.g.cs", "a.b.proto_2.g.cs", "A.B.proto_3.g.cs", "we_ird.na_me.proto.g.cs", "up.proto.g.cs"], names);
    }
}
