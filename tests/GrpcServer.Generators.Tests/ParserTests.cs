using GrpcServer.Generators.Parsing;
using GrpcServer.Generators.Tests.Infrastructure;

namespace GrpcServer.Generators.Tests;

public sealed class ParserTests
{
    private static ProtoFileNode ParseClean(string text)
    {
        var result = ProtoParser.Parse(text);
        var errors = ProtoCheck.Errors(text);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return result.File;
    }

    [Fact]
    public void File_header_statements_are_read()
    {
        var file = ParseClean("""
            syntax = "proto3";
            package acme.common_types;
            import "a.proto";
            import public "b.proto";
            import weak "c" ".proto";
            option csharp_namespace = "Acme.Types";
            option optimize_for = SPEED;
            option (my.file_opt) = -12;
            option (.my.ext).nested.value = 1.5e3;
            """);

        Assert.Equal("proto3", file.Syntax);
        Assert.Equal("acme.common_types", file.Package);
        Assert.Equal([("a.proto", ImportKind.Plain), ("b.proto", ImportKind.Public), ("c.proto", ImportKind.Weak)], file.Imports.Select(i => (i.Path, i.Kind)));
        Assert.Equal(
            [
                ("csharp_namespace", OptionValueKind.String, "Acme.Types"),
                ("optimize_for", OptionValueKind.Identifier, "SPEED"),
                ("(my.file_opt)", OptionValueKind.Integer, "-12"),
                ("(.my.ext).nested.value", OptionValueKind.Float, "1.5e3"),
            ],
            file.Options.Select(o => (o.Name, o.Kind, o.Value)));
    }

    [Fact]
    public void Aggregate_option_values_in_text_format_are_kept_as_written()
    {
        var file = ParseClean("""
            syntax = "proto3";
            service S {
              rpc Get(A) returns (B) {
                option (google.api.http) = {
                  get: "/v1/{name=things/*}"
                  additional_bindings { post: "/v1/things" body: "*" };
                  additional_bindings < delete: "/x" >,
                  [ext.field]: [1, -2, 3.5]
                  [type.googleapis.com/pkg.Msg] { a: true }
                  list_of_messages: [{ a: 1 }, { a: 2 }]
                };
              }
            }
            """);

        var option = Assert.Single(Assert.Single(Assert.Single(file.Services).Rpcs).Options);
        Assert.Equal("(google.api.http)", option.Name);
        Assert.Equal(OptionValueKind.Aggregate, option.Kind);
        Assert.StartsWith("{\n      get: \"/v1/{name=things/*}\"", option.Value, StringComparison.Ordinal);
        Assert.EndsWith("[{ a: 1 }, { a: 2 }]\n    }", option.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_nest_to_any_depth_with_every_kind_of_member()
    {
        var file = ParseClean("""
            syntax = "proto2";
            message Outer {
              option deprecated = true;
              required string id = 1 [default = "x", json_name = "ID"];
              repeated int32 values = 2 [packed = true];
              map<string, Outer.Middle> children = 3;
              oneof choice {
                option (o) = 1;
                string text = 4;
                .pkg.Other other = 5;
              }
              optional group Result = 6 {
                optional string url = 7;
              }
              reserved 8, 10 to 12, 2000 to max;
              reserved "old", "older";
              extensions 1000 to 1999 [declaration = { number: 1000, full_name: ".x.y", type: "int32" }];
              extend Outer { optional int32 ext = 1000; }
              message Middle {
                message Inner {
                  enum Deep { DEEP_ZERO = 0; }
                }
              }
              enum Kind { KIND_UNSPECIFIED = 0; KIND_NEGATIVE = -1; }
              ;
            }
            """);

        var outer = Assert.Single(file.Messages);
        Assert.Equal(
            [("id", "string", FieldLabel.Required, 1L), ("values", "int32", FieldLabel.Repeated, 2L), ("children", "map<string, Outer.Middle>", FieldLabel.None, 3L),
             ("text", "string", FieldLabel.None, 4L), ("other", ".pkg.Other", FieldLabel.None, 5L), ("result", "Result", FieldLabel.Optional, 6L)],
            outer.Fields.Select(f => (f.Name, f.TypeName, f.Label, f.Number)));
        Assert.Equal(["default", "json_name"], outer.Fields[0].Options.Select(o => o.Name));
        Assert.Equal(["text", "other"], Assert.Single(outer.Oneofs).Fields.Select(f => f.Name));
        Assert.Equal(["Result", "Middle"], outer.Messages.Select(m => m.Name));
        Assert.Equal("url", Assert.Single(outer.Messages[0].Fields).Name);
        Assert.Equal("Deep", Assert.Single(Assert.Single(outer.Messages[1].Messages).Enums).Name);
        Assert.Equal([(8L, 8L), (10L, 12L), (2000L, ProtoParser.MaxFieldNumber)], outer.ReservedRanges.Select(r => (r.From, r.To)));
        Assert.Equal(["old", "older"], outer.ReservedNames);
        Assert.Equal((1000L, 1999L), (outer.ExtensionRanges[0].From, outer.ExtensionRanges[0].To));
        Assert.Equal("ext", Assert.Single(Assert.Single(outer.Extends).Fields).Name);
        Assert.Equal([0L, -1L], Assert.Single(outer.Enums).Values.Select(v => v.Number));
    }

    [Fact]
    public void Services_read_stream_keywords_options_and_both_rpc_forms()
    {
        var file = ParseClean("""
            syntax = "proto3";
            // The service.
            service Svc {
              option deprecated = true;
              // Unary.
              rpc A(Req) returns (Resp);
              rpc B(stream Req) returns (Resp) {}
              rpc C(Req) returns (stream .pkg.Resp) { option idempotency_level = NO_SIDE_EFFECTS; ; }
              rpc D(stream Req) returns (stream Resp);
              rpc E(.stream) returns (stream stream);
            }
            """);

        var service = Assert.Single(file.Services);
        Assert.Equal("The service.", service.Comment);
        Assert.Equal(
            [("A", "Req", false, "Resp", false), ("B", "Req", true, "Resp", false), ("C", "Req", false, ".pkg.Resp", true), ("D", "Req", true, "Resp", true), ("E", ".stream", false, "stream", true)],
            service.Rpcs.Select(r => (r.Name, r.Request.Name, r.Request.Streaming, r.Response.Name, r.Response.Streaming)));
        Assert.Equal("Unary.", service.Rpcs[0].Comment);
        Assert.Equal("idempotency_level", Assert.Single(service.Rpcs[2].Options).Name);
    }

    [Fact]
    public void Editions_files_with_features_are_read()
    {
        var file = ParseClean("""
            edition = "2023";
            package ed;
            import "google/protobuf/cpp_features.proto";
            option features.field_presence = IMPLICIT;
            option features.(pb.cpp).legacy_closed_enum = true;
            message M {
              int32 a = 1 [features.field_presence = EXPLICIT];
              reserved b, c;
              M child = 2 [features.message_encoding = DELIMITED];
            }
            """);

        Assert.Equal("2023", file.Edition);
        Assert.Null(file.Syntax);
        Assert.Equal(["features.field_presence", "features.(pb.cpp).legacy_closed_enum"], file.Options.Select(o => o.Name));
        Assert.Equal(["b", "c"], Assert.Single(file.Messages).ReservedNames);
    }

    [Fact]
    public void Edition_2024_export_and_local_modifiers_are_read_on_messages_and_enums()
    {
        var file = ParseClean("""
            edition = "2024";
            package p;
            option features.enforce_naming_style = STYLE_LEGACY;
            import option "opts.proto";
            export message A {
              local message B {}
              export enum C { C_UNSPECIFIED = 0; }
              message D {}
            }
            local enum E { E_UNSPECIFIED = 0; }
            message local { .p.local self = 1; }
            """);

        Assert.Equal(ImportKind.Option, Assert.Single(file.Imports).Kind);
        Assert.Equal([("A", VisibilityModifier.Export), ("local", VisibilityModifier.None)], file.Messages.Select(m => (m.Name, m.Visibility)));
        Assert.Equal([("B", VisibilityModifier.Local), ("D", VisibilityModifier.None)], file.Messages[0].Messages.Select(m => (m.Name, m.Visibility)));
        Assert.Equal(VisibilityModifier.Export, Assert.Single(file.Messages[0].Enums).Visibility);
        Assert.Equal(VisibilityModifier.Local, Assert.Single(file.Enums).Visibility);
    }

    [Theory]
    [InlineData("edition = \"2024\";\nexport service S {}", "the visibility modifier 'export' applies only to 'message' and 'enum', not to 'service'")]
    [InlineData("edition = \"2024\";\nmessage M { local l = 1; }", "the visibility modifier 'local' applies only to 'message' and 'enum', not to 'l'")]
    public void Edition_2024_visibility_modifier_elsewhere_is_an_error(string text, string message)
    {
        Assert.Equal(message, Assert.Single(ProtoParser.Parse(text).Errors).Message);
    }

    [Fact]
    public void Before_edition_2024_export_and_local_are_plain_names()
    {
        var file = ParseClean("""
            edition = "2023";
            message M { local l = 1; export export = 2; }
            message local {}
            message export {}
            """);

        Assert.Equal([("local", "l"), ("export", "export")], file.Messages[0].Fields.Select(f => (f.TypeName, f.Name)));
    }

    [Fact]
    public void Missing_semicolon_before_a_new_line_is_reported_and_the_next_field_still_parses()
    {
        var result = ProtoParser.Parse("message M {\n  optional string name = 1\n  optional int32 id = 2;\n}\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("expected ';' after field 'name', found 'optional'", error.Message);
        Assert.Equal(new SourcePosition(41, 2, 2), error.Span.Start);
        Assert.Equal(["name", "id"], Assert.Single(result.File.Messages).Fields.Select(f => f.Name));
    }

    [Fact]
    public void Missing_semicolon_before_closing_brace_is_reported_at_the_brace()
    {
        var result = ProtoParser.Parse("message M { string name = 1 }\nmessage N {}");

        var error = Assert.Single(result.Errors);
        Assert.Equal("expected ';' after field 'name', found '}'", error.Message);
        Assert.Equal(new SourcePosition(28, 0, 28), error.Span.Start);
        Assert.Equal(["M", "N"], result.File.Messages.Select(m => m.Name));
    }

    [Fact]
    public void Statement_in_error_is_skipped_and_parsing_continues_in_the_same_block()
    {
        var result = ProtoParser.Parse("""
            syntax = "proto3";
            message M {
              string = 1;
              int32 ok = 2;
              bogus { nested junk } 
              int32 also_ok = 3;
            }
            blah blah;
            service S { rpc A(M) returns M; rpc B(M) returns (M); }
            """);

        Assert.Equal(
            [
                "expected a field name after type 'string', found '='",
                "expected a field name after type 'bogus', found '{'",
                "expected a declaration (syntax, edition, package, import, option, message, enum, service or extend), found 'blah'",
                "expected '(' after 'returns' in rpc 'A', found 'M'",
            ],
            result.Errors.Select(e => e.Message));
        Assert.Equal(["ok", "also_ok"], Assert.Single(result.File.Messages).Fields.Select(f => f.Name));
        Assert.Equal(["B"], Assert.Single(result.File.Services).Rpcs.Select(r => r.Name));
    }

    [Fact]
    public void Unclosed_block_at_end_of_file_is_reported_and_its_content_kept()
    {
        var result = ProtoParser.Parse("message Foo {\n  optional string a = 1;\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("expected '}' to close message 'Foo', found end of file", error.Message);
        Assert.Equal(2, error.Span.Start.Line);
        Assert.Equal("a", Assert.Single(Assert.Single(result.File.Messages).Fields).Name);
    }

    [Theory]
    [InlineData("syntax = \"proto4\";", "unknown syntax \"proto4\"; expected \"proto2\" or \"proto3\"")]
    [InlineData("edition = \"2022\";", "unsupported edition \"2022\"; expected \"2023\" or \"2024\"")]
    [InlineData("package a;\nsyntax = \"proto3\";", "the 'syntax' statement must be the first statement of the file")]
    [InlineData("}", "unexpected '}' at the top level of the file (no block to close)")]
    [InlineData("syntax = \"proto3\"; message M { int32 a = 0; }", "the number of field 'a' must be between 1 and 536870911, not 0")]
    [InlineData("syntax = \"proto3\"; message M { int32 a = 19000; }", "the number of field 'a' is 19000; numbers 19000 to 19999 are reserved for the protobuf implementation")]
    [InlineData("enum E { A = 2147483648; }", "integer '2147483648' is out of range [-2147483648, 2147483647]")]
    [InlineData("message M { oneof o { optional int32 a = 1; } }", "fields in a oneof take no label; remove 'optional'")]
    [InlineData("message M { optional group result = 1 {} }", "group name 'result' must start with a capital letter")]
    [InlineData("message M { reserved 5 to 2; }", "the reserved range 5 to 2 is empty: the end is less than the start")]
    [InlineData("service S { message M {} }", "expected 'rpc', 'option' or '}' in service 'S', found 'message'")]
    [InlineData("service S { rpc A(stream) returns (B); }", "expected the request message type of rpc 'A' after 'stream', found ')'")]
    public void Each_rule_violation_has_an_actionable_message(string text, string message)
    {
        Assert.Equal(message, Assert.Single(ProtoCheck.Errors(text)).Message);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_reported_instead_of_overflowing_the_stack()
    {
        var depth = ProtoParser.MaxDepth + 50;
        var text = string.Concat(Enumerable.Range(0, depth).Select(i => $"message M{i} {{ ")) + new string('}', depth);

        var result = ProtoParser.Parse(text);

        Assert.Contains(result.Errors, e => e.Message == $"declarations are nested more than {ProtoParser.MaxDepth} levels deep");
    }

    [Fact]
    public void Every_truncation_of_a_real_file_parses_without_throwing()
    {
        var text = GeneratorHarness.Proto("shop/orders.proto").Text + GeneratorHarness.Proto("route_guide.proto").Text;

        for (var length = 0; length <= text.Length; length++)
        {
            var result = ProtoParser.Parse(text[..length]);
            Assert.NotNull(result.File);
        }
    }

    [Fact]
    public void Keywords_are_names_where_the_grammar_allows_a_name()
    {
        var file = ParseClean("""
            syntax = "proto2";
            package message.service;
            message message { optional string optional = 1; optional service service = 2; repeated map map = 3; }
            message service {} message map {}
            enum enum { option = 0; reserved = 1; }
            """);

        Assert.Equal("message.service", file.Package);
        Assert.Equal(["optional", "service", "map"], file.Messages[0].Fields.Select(f => f.Name));
        Assert.Equal(["option", "reserved"], Assert.Single(file.Enums).Values.Select(v => v.Name));
    }
}
