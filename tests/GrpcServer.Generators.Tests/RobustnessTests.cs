using System.Diagnostics;
using System.Text;
using GrpcServer.Generators.Parsing;
using GrpcServer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Abstractions;
using static GrpcServer.Generators.Tests.Infrastructure.GeneratorHarness;

namespace GrpcServer.Generators.Tests;

/// <summary>
/// The fuzz test measures time per input, so it runs alone, after the tests that run in parallel
/// (on two cores, a parallel compile can pause it for long enough to look like a hang).
/// </summary>
[CollectionDefinition(nameof(RobustnessTests), DisableParallelization = true)]
public sealed class RobustnessCollection;

/// <summary>Malformed .proto input never crashes or hangs the generator: it becomes diagnostics.</summary>
[Collection(nameof(RobustnessTests))]
public sealed class RobustnessTests(ITestOutputHelper output)
{
    /// <summary>Real files of the corpus that the fuzz test breaks, one at a time.</summary>
    private static readonly string[] Targets =
    [
        "shop/orders.proto",
        "route_guide.proto",
        "language/proto2_kitchen.proto",
        "language/scoping.proto",
        "corpus/options/annotated.proto",
        "corpus/editions_2024.proto",
        "corpus/editions_features.proto",
        "corpus/comments.proto",
        "corpus/legacy_inventory.proto",
        "corpus/deep_nesting.proto",
        "corpus/well_known_all.proto",
        "corpus/uses_facade.proto",
    ];

    /// <summary>Files the targets import, so that a variant is resolved against real imports.</summary>
    private static readonly string[] Imported =
    [
        "shop/common.proto",
        "corpus/options/annotations.proto",
        "corpus/facade.proto",
        "corpus/models.proto",
    ];

    /// <summary>Pieces of .proto syntax (and of things that are not) inserted at random points.</summary>
    private static readonly string[] Fragments =
    [
        "{", "}", ";", "(", ")", "<", ">", "[", "]", "=", ",", ":", "\"", "'", "/*", "*/", "//", "\\", ".", "..", "-", "+",
        "stream", "stream stream", "rpc", "returns", "message", "enum", "service", "oneof", "extend", "extensions", "reserved",
        "to max", "map<", "map<string, ", "group", "optional", "required", "repeated", "option", "option (x).y = {", "[default = ",
        "syntax = \"proto3\";", "syntax = \"proto2\";", "edition = \"2023\";", "edition = \"2024\";", "package a.b;",
        "import public \"shop/common.proto\";", "import weak \"", "import option \"", "export ", "local ",
        "\\x", "\\u", "\\U0010FFFF", "\\U00110000", "\\777", "0x", "0x7FFFFFFFFFFFFFFFF", "1e", "-inf", "nan", "99999999999",
        "\n", "\r", "\r\n", "\t", "\u00e9", "\0", "\uFFFF", "\uD800", "\u2028",
    ];

    private const int Variants = 10_000;

    /// <summary>
    /// A guard against runaway loops, not a speed requirement: one input normally takes a few
    /// milliseconds. An input over the guard is measured again before it fails the test, because a
    /// busy machine can pause any thread for a while; a real hang is slow every time.
    /// </summary>
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(2);

    [Fact]
    public void Ten_thousand_mutated_and_truncated_real_files_become_diagnostics_without_exceptions_or_hangs()
    {
        var originals = Targets.Concat(Imported).ToDictionary(file => file, file => Proto(file).Text);
        var texts = ToAdditionalTexts(originals.Select(p => (p.Key, p.Value))).ToDictionary(t => t.Path);

        // One driver for the whole run, as in the IDE: each input replaces one AdditionalText, so a
        // run re-parses that file alone and costs what a keystroke in the IDE costs.
        var compilation = CSharpCompilation.Create("Fuzz", options: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var driver = CreateDriver(texts.Values).RunGenerators(compilation);
        Assert.Empty(driver.GetRunResult().Diagnostics);

        var slowest = TimeSpan.Zero;
        var slowestInput = string.Empty;
        var truncations = 0;
        var reported = 0;
        var remeasured = 0;
        var total = Stopwatch.StartNew();
        AdditionalText? previous = null;
        var i = -1;
        foreach (var (target, text, truncated) in FuzzCorpus(originals))
        {
            i++;
            truncations += truncated ? 1 : 0;
            var path = ProjectDir + target;
            var variant = new InMemoryAdditionalText(path, text);

            // Put the file broken last time back, so that each run sees exactly one broken file.
            if (previous is not null && previous.Path != path)
            {
                driver = driver.ReplaceAdditionalText(previous, texts[previous.Path]);
            }

            driver = driver.ReplaceAdditionalText(previous?.Path == path ? previous : texts[path], variant);
            previous = variant;

            var watch = Stopwatch.StartNew();
            var parsed = ProtoParser.Parse(text);
            driver = driver.RunGenerators(compilation);
            watch.Stop();

            var result = driver.GetRunResult().Results.Single();
            if (result.Exception is not null)
            {
                Assert.Fail($"The generator threw {result.Exception} on {Describe(i, target, text)}");
            }

            reported += result.Diagnostics.IsEmpty ? 0 : 1;
            foreach (var diagnostic in result.Diagnostics)
            {
                Assert.False(diagnostic.Id == "GRPCSRV008", $"{diagnostic} on {Describe(i, target, text)}");
                Assert.False(diagnostic.Location.SourceSpan.End > text.Length, $"{diagnostic} lies outside {Describe(i, target, text)}");
            }

            foreach (var error in parsed.Errors)
            {
                Assert.False(error.Span.Start.Offset < 0 || error.Span.End.Offset > text.Length || error.Span.Length < 0, $"Parse error at {error.Span} lies outside {Describe(i, target, text)}");
            }

            var elapsed = watch.Elapsed;
            if (elapsed > s_hangGuard)
            {
                remeasured++;
                elapsed = Remeasure(originals, target, text, compilation);
            }

            if (elapsed > slowest)
            {
                slowest = elapsed;
                slowestInput = Describe(i, target, text);
            }
        }

        output.WriteLine($"{Variants} variants ({truncations} truncated, {reported} with diagnostics) in {total.Elapsed.TotalSeconds:F1} s; the slowest took {slowest.TotalMilliseconds:F1} ms ({remeasured} measured again after a pause over {s_hangGuard.TotalSeconds} s).");
        Assert.True(slowest < s_hangGuard, $"The slowest input took {slowest.TotalMilliseconds:F0} ms (guard {s_hangGuard.TotalSeconds} s): {slowestInput}");
        Assert.InRange(truncations, Variants / 4, Variants * 3 / 4);
        Assert.True(reported > Variants / 2, $"Only {reported} of {Variants} variants were reported as broken: the mutations are too mild to test anything.");
    }

    [Fact]
    public void The_parser_throws_no_exception_not_even_one_it_catches_itself_over_the_fuzz_corpus()
    {
        // A syntax error is a value, not an exception: in the IDE every keystroke makes one, and a first-chance
        // exception per keystroke is slow and floods a debugger. Counted on this thread only: tests run in parallel.
        var originals = Targets.Concat(Imported).ToDictionary(file => file, file => Proto(file).Text);
        var thread = Environment.CurrentManagedThreadId;
        var thrown = new List<string>();
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (Environment.CurrentManagedThreadId == thread)
            {
                thrown.Add(e.Exception.GetType().Name + ": " + e.Exception.Message);
            }
        }

        var inputs = 0;
        var withErrors = 0;
        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            foreach (var (target, text, _) in FuzzCorpus(originals))
            {
                // The whole per-file front end: tokenizer, parser, validator and the file's spec.
                var parsed = ProtoParser.Parse(text);
                var violations = ProtoValidator.Validate(parsed.File);
                var spec = Model.ProtoFileSpecBuilder.Build(new Model.ProtoFileInput(ProjectDir + target, target, Helpers.EquatableArray<string>.Empty, text));
                inputs++;
                withErrors += parsed.Errors.Count + violations.Count > 0 ? 1 : 0;
                Assert.Equal(parsed.Errors.Count + violations.Count, spec.Diagnostics.Count(d => d.Id is "GRPCSRV001" or "GRPCSRV002" or "GRPCSRV006"));
            }
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        output.WriteLine($"{inputs} inputs, {withErrors} with errors, {thrown.Count} first-chance exceptions.");
        Assert.Equal(Variants, inputs);
        Assert.True(withErrors > Variants / 2, $"Only {withErrors} of {Variants} inputs have errors.");
        Assert.Empty(thrown);
    }

    [Fact]
    public void Generator_turns_garbage_into_diagnostics_and_still_generates_the_good_files()
    {
        var random = new Random(7);
        var garbage = new string(Enumerable.Range(0, 5_000).Select(_ => (char)random.Next(0, 0x2FFF)).ToArray());

        var result = Run(("garbage.proto", garbage), ("mutated.proto", Mutate(Proto("route_guide.proto").Text, random)), Proto("greet.proto"));

        Assert.Contains(result.Diagnostics(), d => d.Id == "GRPCSRV001" && d.Location.GetLineSpan().Path.EndsWith("garbage.proto", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Diagnostics(), d => d.Id == "GRPCSRV008");
        Assert.Contains("greet.proto.g.cs", result.Sources().Keys);
    }

    /// <summary>The shorter of two more runs of one input, through the parser and a fresh driver.</summary>
    private static TimeSpan Remeasure(Dictionary<string, string> originals, string target, string text, Compilation compilation)
    {
        var fastest = TimeSpan.MaxValue;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var files = originals.Select(p => (p.Key, p.Key == target ? text : p.Value));
            var watch = Stopwatch.StartNew();
            ProtoParser.Parse(text);
            CreateDriver(files).RunGenerators(compilation);
            fastest = watch.Elapsed < fastest ? watch.Elapsed : fastest;
        }

        return fastest;
    }

    /// <summary>The fuzz corpus: <see cref="Variants"/> mutated or truncated copies of the targets, the same every run.</summary>
    private static IEnumerable<(string Target, string Text, bool Truncated)> FuzzCorpus(Dictionary<string, string> originals)
    {
        var random = new Random(20_240_611);
        for (var i = 0; i < Variants; i++)
        {
            var target = Targets[random.Next(Targets.Length)];
            var (text, truncated) = Vary(originals[target], random);
            yield return (target, text, truncated);
        }
    }

    private static string Describe(int input, string target, string text) => $"input {input}, a variant of {target}:\n{text}";

    /// <summary>A mutated copy of <paramref name="text"/> (half the time), truncated at a random point (half the time), or both.</summary>
    private static (string Text, bool Truncated) Vary(string text, Random random)
    {
        var kind = random.Next(3);
        var varied = kind == 1 ? text : Mutate(text, random);
        var truncated = kind != 0;
        return (truncated ? varied[..random.Next(varied.Length + 1)] : varied, truncated);
    }

    /// <summary>1 to 8 random edits: a deleted run of characters, an inserted fragment, or a replaced character.</summary>
    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        for (var edits = random.Next(1, 9); edits > 0; edits--)
        {
            var at = random.Next(builder.Length + 1);
            switch (random.Next(3))
            {
                case 0:
                    builder.Remove(at, Math.Min(random.Next(1, 40), builder.Length - at));
                    break;
                case 1:
                    builder.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                default:
                    if (at < builder.Length)
                    {
                        builder[at] = random.Next(4) == 0 ? (char)random.Next(0, 0x3000) : (char)random.Next(32, 127);
                    }

                    break;
            }
        }

        return builder.ToString();
    }
}
