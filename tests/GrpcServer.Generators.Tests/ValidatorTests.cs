using GrpcServer.Generators.Parsing;
using GrpcServer.Generators.Tests.Infrastructure;

namespace GrpcServer.Generators.Tests;

/// <summary>The language rules protoc enforces beyond the grammar, per syntax and edition.</summary>
public sealed class ValidatorTests
{
    private const string Proto2 = "syntax = \"proto2\";\n";
    private const string Proto3 = "syntax = \"proto3\";\n";
    private const string Editions = "edition = \"2023\";\n";

    [Theory]
    [InlineData(Proto2 + "message M { int32 a = 1; }", "field 'a' needs a label in proto2: 'optional', 'required' or 'repeated'")]
    [InlineData("message M { int32 a = 1; }", "field 'a' needs a label in proto2: 'optional', 'required' or 'repeated'")]
    [InlineData(Proto2 + "message M {} extend M { int32 e = 1; }", "field 'e' needs a label in proto2: 'optional', 'required' or 'repeated'")]
    [InlineData(Proto3 + "message M { required int32 a = 1; }", "required fields are not allowed in proto3 (field 'a')")]
    [InlineData(Proto3 + "message M { repeated group G = 1 {} }", "groups are not allowed in proto3; use a nested message for 'G'")]
    [InlineData(Proto3 + "message M { int32 a = 1 [default = 5]; }", "explicit default values are not allowed in proto3 (field 'a')")]
    [InlineData(Proto3 + "message M { extensions 100 to 200; }", "extension ranges are not allowed in proto3 (message 'M')")]
    [InlineData(Proto3 + "enum E { A = 1; }", "the first value of enum 'E' must be 0 in proto3, so that it is the default")]
    [InlineData(Editions + "enum E { A = 1; }", "the first value of open enum 'E' must be 0 in editions, so that it is the default (or close the enum: option features.enum_type = CLOSED;)")]
    [InlineData(Editions + "option features.enum_type = CLOSED;\nenum E { option features.enum_type = OPEN; A = 1; }", "the first value of open enum 'E' must be 0 in editions, so that it is the default (or close the enum: option features.enum_type = CLOSED;)")]
    [InlineData(Proto3 + "export message M {}", "the visibility modifier 'export' needs edition 2024 or later; this file is proto3")]
    [InlineData(Editions + "message M { local enum E { A = 0; } }", "the visibility modifier 'local' needs edition 2024 or later; this file is edition 2023")]
    [InlineData(Editions + "message M { optional int32 a = 1; }", "the label 'optional' is not allowed in editions (field 'a'); use features.field_presence")]
    [InlineData(Editions + "message M { repeated group G = 1 {} }", "groups are not allowed in editions; use a message field with features.message_encoding = DELIMITED for 'G'")]
    [InlineData(Proto3 + "message M { map<double, string> m = 1; }", "the key type of map field 'm' must be an integer type, bool or string, not 'double'")]
    [InlineData(Proto3 + "message M { oneof o { map<string, string> m = 1; } }", "map field 'm' cannot be in a oneof")]
    [InlineData(Proto3 + "message M { int32 a = 1; string b = 1; }", "field number 1 of 'b' is already used by field 'a' in message 'M'")]
    [InlineData(Proto3 + "message M { reserved 2 to 4; int32 a = 3; }", "field 'a' uses number 3, which message 'M' reserves")]
    [InlineData(Proto3 + "message M { reserved \"a\"; int32 a = 1; }", "field name 'a' is reserved in message 'M'")]
    [InlineData(Proto2 + "message M { extensions 10 to max; optional int32 a = 11; }", "field 'a' uses number 11, which is in an extension range of message 'M'")]
    [InlineData(Proto3 + "enum E { A = 0; B = 0; }", "enum value 'B' has number 0, already used by 'A'; set 'option allow_alias = true;' in enum 'E' to allow aliases")]
    [InlineData(Proto3 + "enum E { reserved 1; A = 0; B = 1; }", "enum value 'B' uses number 1, which enum 'E' reserves")]
    [InlineData(Proto3 + "enum E { reserved \"B\"; A = 0; B = 1; }", "enum value name 'B' is reserved in enum 'E'")]
    [InlineData(Proto3 + "enum E { }", "enum 'E' must declare at least one value")]
    [InlineData(Proto3 + "message M { int32 foo_bar = 1; int32 fooBar = 2; }", "the default JSON name of field 'fooBar' (\"fooBar\") is the default JSON name of field 'foo_bar' in message 'M'; give one of them another json_name")]
    [InlineData(Proto3 + "import \"a.proto\";\nimport \"a.proto\";", "import \"a.proto\" is listed twice; remove one")]
    [InlineData(Proto3 + "option features.field_presence = IMPLICIT;", "features are only valid in editions files; this file is proto3 (remove option 'features.field_presence')")]
    [InlineData(Proto3 + "message M { option java_package = \"x\"; }", "option 'java_package' is unknown on a message: google.protobuf.MessageOptions has no field 'java_package' (a custom option is written in parentheses and needs the import that declares it)")]
    [InlineData(Editions + "option features.field_presence = IMPLICIT;\nmessage M { int32 a = 1 [default = 3]; }", "field 'a' has implicit presence, so it cannot have a default value (its default is always the zero value)")]
    [InlineData("edition = \"2024\";\nmessage M { int32 Ab = 1; }", "field name 'Ab' should be lower_snake_case, as edition 2024 requires (or set option features.enforce_naming_style = STYLE_LEGACY;)")]
    public void Rule_violation_is_reported_with_an_actionable_message(string text, string message)
    {
        var error = Assert.Single(ProtoCheck.Errors(text));
        Assert.Equal(ProtoErrorKind.Semantic, error.Kind);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData(Proto2 + "message M { optional int32 a = 1; map<string, M> m = 2; oneof o { string s = 3; } extensions 10 to 20; }")]
    [InlineData(Proto3 + "message M { optional int32 a = 1; int32 b = 2; map<int64, M> m = 3; reserved 4 to 6; }")]
    [InlineData(Proto3 + "enum E { option allow_alias = true; A = 0; B = 0; }")]
    [InlineData(Proto2 + "enum E { A = 5; }")]
    [InlineData(Editions + "message M { int32 a = 1 [features.field_presence = LEGACY_REQUIRED]; M child = 2 [features.message_encoding = DELIMITED]; }")]
    [InlineData(Editions + "enum E { option features.enum_type = CLOSED; A = 1; }")]
    [InlineData(Editions + "option features.enum_type = CLOSED;\nmessage M { enum E { A = 5; } }")]
    [InlineData("edition = \"2024\";\nexport message M { local message N {} export enum E { A = 0; } }\nlocal enum F { B = 0; }")]
    public void Valid_declarations_of_each_dialect_are_accepted(string text)
    {
        Assert.Empty(ProtoCheck.Errors(text));
    }

    [Fact]
    public void Rule_violation_points_at_the_offending_token()
    {
        var error = Assert.Single(ProtoCheck.Errors(Proto3 + "message M {\n  int32 a = 1;\n  string b = 1;\n}"));
        Assert.Equal((4, 14), (error.Span.Start.Line + 1, error.Span.Start.Column + 1));
    }
}
