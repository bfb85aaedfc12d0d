using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Resolution;
using GrpcServer.Generators.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GrpcServer.Generators.Tests;

/// <summary>
/// The protoc differential test. Each input is a whole project: the corpus (Protos/), the corpus with one hand-written
/// case file added, or the corpus with one file mutated. The real protoc (from Grpc.Tools) and the generator's front
/// end (spec builder and resolver) each say whether they accept it. Every project protoc rejects must get an error
/// from us, and every project it accepts none: an accepted project must not fail a user's build, and a rejected one
/// must be underlined in the IDE before Grpc.Tools runs protoc.
/// </summary>
/// <remarks>
/// protoc stops at the first input file it cannot build, so each project needs its own protoc process; the processes
/// run a few at a time. CI samples <see cref="CiMutations"/> mutations; set <see cref="MutationsVariable"/> to a larger
/// number for the full figures recorded in docs/protoc-agreement.md. The sample is deterministic: mutation <c>i</c>
/// is the same in every run of every size.
/// </remarks>
[Collection(nameof(RobustnessTests))]
public sealed partial class ProtocDifferentialTests(ITestOutputHelper output)
{
    /// <summary>The number of mutations of an opt-in run (for example 5000).</summary>
    public const string MutationsVariable = "GRPCSERVER_DIFFERENTIAL_MUTATIONS";

    private const int CiMutations = 600;

    private static readonly string[] s_corpus = DescriptorSetTests.Corpus;

    private static readonly Lazy<Dictionary<string, ProtoFileSpec>> s_corpusSpecs = new(() => s_corpus.ToDictionary(path => path, path => Spec(path, Read(path))));

    /// <summary>Numbers a mutation writes in place of a number of the file.</summary>
    private static readonly string[] s_numbers = ["0", "1", "2", "3", "15", "-1", "19000", "536870911", "536870912", "2147483648", "0x10", "1000", "50100", "99999999999999999999"];

    /// <summary>Keywords a mutation inserts before a token.</summary>
    private static readonly string[] s_keywords = ["optional", "required", "repeated", "stream", "map", "group", "reserved", "option", "export", "local", "extend", "oneof", "returns", "message", "enum", "public", "weak", "max", "to"];

    /// <summary>Strings a mutation writes in place of a string of the file.</summary>
    private static readonly string[] s_strings = ["\"proto2\"", "\"proto3\"", "\"2023\"", "\"2024\"", "\"shop/common.proto\"", "\"google/protobuf/empty.proto\"", "\"google/protobuf/descriptor.proto\"", "\"corpus/options/annotations.proto\"", "\"x\"", "\"\"", "\"Foo.Bar\"", "\"missing.proto\""];

    /// <summary>Statements a mutation inserts after a line: each aims at a rule of the language.</summary>
    private static readonly string[] s_statements =
    [
        "option deprecated = true;",
        "option java_package = 5;",
        "option java_package = \"x\";",
        "option optimize_for = FAST;",
        "option optimize_for = SPEED;",
        "option (unknown_option) = 1;",
        "option (acme.annotations.owner) = \"me\";",
        "option (acme.annotations.owner) = 5;",
        "option (acme.annotations.table) = \"t\";",
        "option (acme.annotations.sensitive) = true;",
        "option features.field_presence = IMPLICIT;",
        "option features.field_presence = LEGACY_REQUIRED;",
        "option features.enum_type = CLOSED;",
        "option features.enum_type = OPEN;",
        "option features.json_format = LEGACY_BEST_EFFORT;",
        "option allow_alias = true;",
        "option csharp_namespace = \"Other.Ns\";",
        "int32 extra_field = 1;",
        "optional int32 extra_field = 99;",
        "int32 fooBar = 99; int32 foo_bar = 98;",
        "optional int32 fooBar = 99; optional int32 foo_bar = 98;",
        "string json_clash = 97 [json_name = \"id\"];",
        "optional string json_clash = 97 [json_name = \"id\"];",
        "int32 with_default = 96 [default = 5];",
        "optional int32 with_default = 96 [default = 5];",
        "optional int32 bad_default = 96 [default = \"x\"];",
        "repeated int32 rep_default = 95 [default = 1];",
        "optional string str_default = 94 [default = \"s\"];",
        "extensions 1000 to 2000;",
        "extend google.protobuf.MessageOptions { optional int32 my_ext = 50999; }",
        "extend google.protobuf.MessageOptions { int32 my_ext = 50999; }",
        "extend google.protobuf.FileOptions { string owner2 = 50100; }",
        "import \"shop/common.proto\";",
        "import \"google/protobuf/empty.proto\";",
        "import public \"google/protobuf/empty.proto\";",
        "reserved 1;",
        "reserved \"name\";",
        "reserved 5 to 3;",
        "message Nested {}",
        "message Nested { int32 id = 1; }",
        "enum ExtraKind { EXTRA_KIND_ZERO = 0; }",
        "enum ExtraKind { EXTRA_KIND_ONE = 1; }",
        "oneof choice { int32 c1 = 90; string c2 = 91; }",
        "map<string, int32> labels_extra = 92;",
        "map<float, int32> bad_map = 93;",
        "export message Exported {}",
        "local enum LocalKind { LOCAL_KIND_ZERO = 0; }",
        "rpc Extra(Nested) returns (Nested);",
        "service ExtraService { rpc Call(Nested) returns (Nested); }",
        "package other.pkg;",
        "syntax = \"proto3\";",
        "edition = \"2023\";",
    ];

    [Fact]
    public void The_corpus_and_every_hand_written_case_are_accepted_or_rejected_as_protoc_does()
    {
        var inputs = new List<Input> { new("the corpus", null, null) };
        inputs.AddRange(Cases.Select(c => new Input("case: " + c.Name, CaseFile, c.Text)));

        var results = Compare(inputs);

        Report("corpus and cases", results);
        Assert.True(results[0].Protoc, "protoc rejects the corpus: " + results[0].ProtocErrors);
        Assert.Empty(results.Where(r => !r.Agree).Select(Describe));
    }

    [Fact]
    public void Mutations_of_the_corpus_are_accepted_or_rejected_as_protoc_does()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable(MutationsVariable), out var n) && n > 0 ? n : CiMutations;
        var inputs = Enumerable.Range(0, count).Select(Mutation).ToList();

        var results = Compare(inputs);

        Report($"{count} mutations", results);
        Assert.True(results.Count(r => !r.Protoc) > count / 3, "The mutations are too mild: protoc accepts most of them.");
        Assert.True(results.Count(r => r.Protoc) > count / 20, "The mutations are too wild: protoc rejects nearly all of them.");
        Assert.Empty(results.Where(r => !r.Agree).Select(Describe));
    }

    private void Report(string what, IReadOnlyList<Result> results)
    {
        var agree = results.Count(r => r.Agree);
        output.WriteLine(
            $"{what}: {agree} of {results.Count} agree ({100.0 * agree / results.Count:F2} %); protoc accepts {results.Count(r => r.Protoc)}, rejects {results.Count(r => !r.Protoc)}; " +
            $"we reject {results.Count(r => !r.Ours)}; {results.Count(r => !r.Protoc && r.Ours)} missed rejections, {results.Count(r => r.Protoc && !r.Ours)} false rejections.");
        foreach (var result in results.Where(r => !r.Agree).Take(40))
        {
            output.WriteLine(Describe(result));
        }
    }

    private static string Describe(Result r) =>
        $"{r.Input.Name} [{r.Input.File}]: protoc {(r.Protoc ? "accepts" : "rejects")}, we {(r.Ours ? "accept" : "reject")}\n" +
        $"  protoc: {FirstLines(r.ProtocErrors)}\n  ours: {string.Join(" | ", r.OurDiagnostics.Take(3))}\n  text: {Excerpt(r.Input)}";

    private static string FirstLines(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(3));

    private static string Excerpt(Input input) => input.Text is null ? "-" : input.Edit ?? input.Text[..Math.Min(300, input.Text.Length)].ReplaceLineEndings(" ");

    private const string CaseFile = "cases/case.proto";

    /// <summary>An input: the corpus with <see cref="File"/> replaced (or added) by <see cref="Text"/>; the corpus alone when both are null.</summary>
    private sealed record Input(string Name, string? File, string? Text, string? Edit = null);

    private sealed record Result(Input Input, bool Protoc, string ProtocErrors, bool Ours, IReadOnlyList<string> OurDiagnostics)
    {
        public bool Agree => Protoc == Ours;
    }

    private static List<Result> Compare(IReadOnlyList<Input> inputs)
    {
        var results = new Result[inputs.Count];
        var work = Directory.CreateTempSubdirectory("grpcserver-differential-");
        try
        {
            Parallel.For(0, inputs.Count, new ParallelOptions { MaxDegreeOfParallelism = 3 }, i =>
            {
                var input = inputs[i];
                var overlay = Path.Combine(work.FullName, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var files = input.File is null || s_corpus.Contains(input.File) ? s_corpus : [.. s_corpus, input.File];
                if (input.File is not null)
                {
                    var path = Path.Combine(overlay, input.File);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.WriteAllText(path, input.Text);
                }
                else
                {
                    Directory.CreateDirectory(overlay);
                }

                var (accepted, errors) = Protoc.Check([overlay, TestPaths.ProtosDirectory], files, overlay);
                var ours = Ours(input);
                results[i] = new Result(input, accepted, errors, ours.Count == 0, ours);
                Directory.Delete(overlay, recursive: true);
            });
        }
        finally
        {
            work.Delete(recursive: true);
        }

        return [.. results];
    }

    /// <summary>Our verdict: the errors (and the unresolved imports, which protoc rejects) the front end reports for the project.</summary>
    private static IReadOnlyList<string> Ours(Input input)
    {
        var specs = new Dictionary<string, ProtoFileSpec>(s_corpusSpecs.Value);
        if (input.File is not null)
        {
            specs[input.File] = Spec(input.File, input.Text!);
        }

        return ProtoResolver.Resolve([.. specs.Values]).Diagnostics
            .Where(d => DiagnosticDescriptors.Get(d.Id).DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error || d.Id == DiagnosticDescriptors.ImportNotFound.Id)
            .Select(d => $"{d.Id} {Path.GetFileName(d.FilePath)}{d.Span}: {string.Join(" ", d.Arguments)}")
            .ToList();
    }

    private static ProtoFileSpec Spec(string path, string text) =>
        ProtoFileSpecBuilder.Build(new ProtoFileInput(
            Path.Combine(TestPaths.ProtosDirectory, path).Replace('\\', '/'),
            path,
            new EquatableArray<string>([TestPaths.ProtosDirectory.Replace('\\', '/')]),
            text));

    private static string Read(string path) => File.ReadAllText(Path.Combine(TestPaths.ProtosDirectory, path));

    // ---- mutations ----

    [GeneratedRegex("""//[^\n]*|/\*(?s:.*?)\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9A-Za-z_.]*|\S""")]
    private static partial Regex TokenPattern();

    /// <summary>Mutation <paramref name="index"/>: one edit of one corpus file, the same in every run.</summary>
    private static Input Mutation(int index)
    {
        var random = new Random(unchecked((index * 7919) + 104_729));
        var file = s_corpus[random.Next(s_corpus.Length)];
        var text = Read(file);
        var tokens = TokenPattern().Matches(text).Where(m => !m.Value.StartsWith("//", StringComparison.Ordinal) && !m.Value.StartsWith("/*", StringComparison.Ordinal)).ToList();
        var identifiers = tokens.Where(t => char.IsLetter(t.Value[0]) || t.Value[0] == '_').Select(t => t.Value).Distinct().ToList();
        var token = tokens[random.Next(tokens.Count)];
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        var kind = random.Next(10);
        string mutated;
        string edit;
        switch (kind)
        {
            case 0:
                mutated = text.Remove(token.Index, token.Length);
                edit = $"deleted '{token.Value}'";
                break;
            case 1:
                mutated = text.Insert(token.Index, token.Value + " ");
                edit = $"doubled '{token.Value}'";
                break;
            case 2:
            {
                var next = tokens.FirstOrDefault(t => t.Index > token.Index);
                if (next is null)
                {
                    goto case 0;
                }

                mutated = text[..token.Index] + next.Value + text[(token.Index + token.Length)..next.Index] + token.Value + text[(next.Index + next.Length)..];
                edit = $"swapped '{token.Value}' and '{next.Value}'";
                break;
            }

            case 3:
            {
                var names = tokens.Where(t => char.IsLetter(t.Value[0]) || t.Value[0] == '_').ToList();
                var name = names[random.Next(names.Count)];
                var other = identifiers[random.Next(identifiers.Count)];
                mutated = text[..name.Index] + other + text[(name.Index + name.Length)..];
                edit = $"'{name.Value}' became '{other}'";
                break;
            }

            case 4:
            {
                var numbers = tokens.Where(t => char.IsDigit(t.Value[0])).ToList();
                if (numbers.Count == 0)
                {
                    goto case 3;
                }

                var number = numbers[random.Next(numbers.Count)];
                var other = random.Next(3) == 0 ? numbers[random.Next(numbers.Count)].Value : s_numbers[random.Next(s_numbers.Length)];
                mutated = text[..number.Index] + other + text[(number.Index + number.Length)..];
                edit = $"number '{number.Value}' became '{other}'";
                break;
            }

            case 5:
            {
                var keyword = s_keywords[random.Next(s_keywords.Length)];
                mutated = text.Insert(token.Index, keyword + " ");
                edit = $"inserted '{keyword}' before '{token.Value}'";
                break;
            }

            case 6:
            {
                var strings = tokens.Where(t => t.Value[0] is '"' or '\'').ToList();
                if (strings.Count == 0)
                {
                    goto case 5;
                }

                var literal = strings[random.Next(strings.Count)];
                var other = s_strings[random.Next(s_strings.Length)];
                mutated = text[..literal.Index] + other + text[(literal.Index + literal.Length)..];
                edit = $"string {literal.Value} became {other}";
                break;
            }

            case 7:
            {
                var line = random.Next(lineStarts.Count);
                var end = line + 1 < lineStarts.Count ? lineStarts[line + 1] : text.Length;
                var lineText = text[lineStarts[line]..end];
                var delete = random.Next(2) == 0;
                mutated = delete ? text.Remove(lineStarts[line], end - lineStarts[line]) : text.Insert(end, lineText.EndsWith('\n') ? lineText : "\n" + lineText);
                edit = $"{(delete ? "deleted" : "doubled")} line {line + 1}: {lineText.Trim()}";
                break;
            }

            default:
            {
                var line = random.Next(lineStarts.Count);
                var statement = s_statements[random.Next(s_statements.Length)];
                mutated = text.Insert(lineStarts[line], statement + "\n");
                edit = $"inserted at line {line + 1}: {statement}";
                break;
            }
        }

        return new Input($"mutation {index}", file, mutated, edit);
    }

    // ---- hand-written cases: each is a file added to the corpus ----

    private static readonly (string Name, string Text)[] Cases =
    [
        ("imports listed twice", "syntax = \"proto3\";\nimport \"shop/common.proto\";\nimport \"shop/common.proto\";"),
        ("proto3 default JSON names that clash", "syntax = \"proto3\";\nmessage J { int32 foo_bar = 1; int32 fooBar = 2; }"),
        ("proto2 default JSON names that clash (a warning in protoc)", "syntax = \"proto2\";\nmessage J { optional int32 foo_bar = 1; optional int32 fooBar = 2; }"),
        ("custom JSON names that clash", "syntax = \"proto2\";\nmessage J { optional int32 a = 1 [json_name = \"x\"]; optional int32 b = 2 [json_name = \"x\"]; }"),
        ("a default JSON name that clashes with a custom one", "syntax = \"proto3\";\nmessage J { int32 a = 1 [json_name = \"b\"]; int32 b = 2; }"),
        ("a custom JSON name equal to its own default", "syntax = \"proto3\";\nmessage J { int32 foo_bar = 1 [json_name = \"fooBar\"]; }"),
        ("a default on an implicit-presence field (editions)", "edition = \"2023\";\nmessage D { int32 a = 1 [features.field_presence = IMPLICIT, default = 3]; }"),
        ("a default under a file-wide implicit presence", "edition = \"2023\";\noption features.field_presence = IMPLICIT;\nmessage D { int32 a = 1 [default = 3]; }"),
        ("a default on an explicit-presence field (editions)", "edition = \"2023\";\nmessage D { int32 a = 1 [default = 3]; }"),
        ("a default on a repeated field", "syntax = \"proto2\";\nmessage D { repeated int32 a = 1 [default = 3]; }"),
        ("a default on a message field", "syntax = \"proto2\";\nmessage D { optional D a = 1 [default = 3]; }"),
        ("a string default on an int field", "syntax = \"proto2\";\nmessage D { optional int32 a = 1 [default = \"3\"]; }"),
        ("an unknown built-in option", "syntax = \"proto3\";\noption foo = 1;"),
        ("a built-in option of the wrong type", "syntax = \"proto3\";\noption java_package = 1;"),
        ("an unknown built-in option value", "syntax = \"proto3\";\noption optimize_for = FAST;"),
        ("an unknown custom option", "syntax = \"proto3\";\noption (foo) = 1;"),
        ("a custom option of the wrong type", "syntax = \"proto3\";\nimport \"corpus/options/annotations.proto\";\noption (acme.annotations.owner) = 1;"),
        ("a custom option of the right type", "syntax = \"proto3\";\nimport \"corpus/options/annotations.proto\";\noption (acme.annotations.owner) = \"me\";"),
        ("a custom option whose file is not imported", "syntax = \"proto3\";\noption (acme.annotations.owner) = \"me\";"),
        ("a custom option of another element kind", "syntax = \"proto3\";\nimport \"corpus/options/annotations.proto\";\noption (acme.annotations.table) = \"t\";"),
        ("an extension number outside the extended message's ranges", "syntax = \"proto2\";\nmessage E { extensions 100 to 200; }\nextend E { optional int32 x = 5; }"),
        ("an extension number inside the ranges", "syntax = \"proto2\";\nmessage E { extensions 100 to 200; }\nextend E { optional int32 x = 150; }"),
        ("an extension of a message without ranges", "syntax = \"proto2\";\nmessage E {}\nextend E { optional int32 x = 1; }"),
        ("a proto3 extension of a message that is not an option", "syntax = \"proto3\";\nimport \"language/proto2_kitchen.proto\";\nextend lang.p2.Outer { int32 x = 150; }"),
        ("a proto3 extension of an options message", "syntax = \"proto3\";\nimport \"google/protobuf/descriptor.proto\";\nextend google.protobuf.MessageOptions { int32 ok = 50999; }"),
        ("a proto2 extension of a proto2 message in another file", "syntax = \"proto2\";\nimport \"language/proto2_kitchen.proto\";\nextend lang.p2.Outer { optional int32 x = 150; }"),
        ("an extension number another file's extension uses (a warning in protoc)", "syntax = \"proto2\";\nimport \"language/proto2_kitchen.proto\";\nextend lang.p2.Outer { optional int32 x = 100; }"),
        ("two extensions of one message with one number in one file", "syntax = \"proto2\";\nmessage E { extensions 100 to 200; }\nextend E { optional int32 x = 100; }\nmessage O { extend E { optional int32 y = 100; } }"),
        ("an enum default that is not a value of the enum", "syntax = \"proto2\";\nenum K { K_A = 1; }\nmessage D { optional K k = 1 [default = K_B]; }"),
        ("an enum default that is a value of the enum", "syntax = \"proto2\";\nenum K { K_A = 1; K_B = 2; }\nmessage D { optional K k = 1 [default = K_B]; }"),
        ("a custom option of an enum type with a wrong value", "syntax = \"proto3\";\nimport \"google/protobuf/descriptor.proto\";\nenum Level { LEVEL_A = 0; }\nextend google.protobuf.FileOptions { Level level = 50999; }\noption (level) = LEVEL_B;"),
        ("a custom option of a message type set field by field", "syntax = \"proto3\";\nimport \"corpus/options/annotations.proto\";\noption (acme.annotations.file_limits).rps = 5;"),
        ("a custom option imported publicly", "syntax = \"proto3\";\nimport \"corpus/facade.proto\";\noption (acme.annotations.owner) = \"me\";"),
        ("a feature of edition 2024 in a 2023 file", "edition = \"2023\";\noption features.default_symbol_visibility = EXPORT_ALL;"),
        ("json_name on an extension", "syntax = \"proto2\";\nmessage E { extensions 10 to 20; }\nextend E { optional int32 e = 10 [json_name = \"q\"]; }"),
        ("a nested message named Types (protoc accepts it)", "syntax = \"proto3\";\npackage ty;\nmessage Outer { message Types {} }"),
        ("a built-in option set twice", "syntax = \"proto3\";\noption java_package = \"a\";\noption java_package = \"b\";"),
        ("a custom option set twice", "syntax = \"proto3\";\nimport \"corpus/options/annotations.proto\";\noption (acme.annotations.owner) = \"a\";\noption (acme.annotations.owner) = \"b\";"),
        ("a repeated custom option set twice", "syntax = \"proto3\";\nimport \"corpus/options/annotations.proto\";\nmessage R { option (acme.annotations.index) = \"a\"; option (acme.annotations.index) = \"b\"; }"),
        ("overlapping reserved ranges", "syntax = \"proto3\";\nmessage R { reserved 1 to 5, 5; }"),
        ("an extension range over a reserved range", "syntax = \"proto2\";\nmessage R { reserved 1 to 5; extensions 5 to 10; }"),
        ("reserved field number 0", "syntax = \"proto3\";\nmessage R { reserved 0; }"),
        ("allow_alias without aliases", "syntax = \"proto3\";\nenum A { option allow_alias = true; A_ZERO = 0; A_ONE = 1; }"),
        ("an empty statement in an extend block", "syntax = \"proto2\";\nmessage E { extensions 10 to 20; }\nextend E { optional int32 e = 10;; }"),
        ("an empty statement in a oneof", "syntax = \"proto3\";\nmessage O { oneof o { int32 a = 1;; } }"),
        ("edition 2024 names out of style", "edition = \"2024\";\npackage a_;\nmessage foo_Bar { int32 Ab = 1; int32 field_1 = 2; oneof OneOf { int32 c = 3; } }\nenum lower { e_zero = 0; }\nservice s { rpc do_it(foo_Bar) returns (foo_Bar); }"),
        ("edition 2024 names in style", "edition = \"2024\";\npackage a1.b_c2;\nmessage M2x { int32 a_b2 = 1; map<string, int32> my_map = 2; }\nenum Kind2 { KIND_ZERO = 0; KIND_A1 = 1; }\nservice Svc2 { rpc Get2X(M2x) returns (M2x); }"),
        ("edition 2024 names out of style under STYLE_LEGACY", "edition = \"2024\";\noption features.enforce_naming_style = STYLE_LEGACY;\nmessage foo_Bar { int32 Ab = 1; }"),
        ("a message-valued custom option naming a field its message lacks", "syntax = \"proto3\";\nimport \"corpus/options/annotations.proto\";\noption (acme.annotations.file_limits) = { rps: 1 kind: 2 };"),
        ("a message-valued custom option with nested values", "syntax = \"proto3\";\nimport \"corpus/options/annotations.proto\";\noption (acme.annotations.file_limits) = { rps: 1, bursts: [1, 2], level: LEVEL_STRICT, labels { key: \"k\" value: \"v\" } factor: -1.5 };"),
        ("a message-valued custom option with an integer out of range", "syntax = \"proto3\";\nimport \"corpus/options/annotations.proto\";\noption (acme.annotations.file_limits) = { rps: 99999999999 };"),
        ("a field path through a custom option naming no field", "syntax = \"proto3\";\nimport \"corpus/options/annotations.proto\";\noption (acme.annotations.file_limits).speed = 5;"),
        ("a message-valued custom option with an enum value its enum lacks", "syntax = \"proto3\";\nimport \"corpus/options/annotations.proto\";\noption (acme.annotations.file_limits) = { level: LEVEL_LOOSE };"),
        ("a block comment inside a block comment", "syntax = \"proto3\";\n/* outer /* inner */\nmessage C {}"),
        ("an unknown feature value", "edition = \"2023\";\noption features.field_presence = SOMETIMES;"),
        ("an unknown feature", "edition = \"2023\";\noption features.colour = RED;"),
        ("a feature outside editions", "syntax = \"proto3\";\noption features.field_presence = IMPLICIT;"),
        ("a feature on the wrong element", "edition = \"2023\";\nmessage F { int32 a = 1 [features.enum_type = CLOSED]; }"),
        ("a message named like a C# keyword (protoc accepts it)", "syntax = \"proto3\";\npackage kw;\nmessage @class {}".Replace("@", "", StringComparison.Ordinal)),
        ("a message named like the file's reflection class (protoc accepts it)", "syntax = \"proto3\";\npackage refl;\nmessage CaseReflection {}"),
    ];
}
