using System.Collections;
using System.Reflection;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static GrpcServer.Generators.Tests.Infrastructure.GeneratorHarness;

namespace GrpcServer.Generators.Tests;

/// <summary>The incremental pipeline re-does only the work an edit requires.</summary>
public sealed class CachingTests
{
    private static readonly string[] Files = ["greet.proto", "route_guide.proto", "shop/common.proto", "shop/orders.proto"];

    private static (GeneratorDriver Driver, CSharpCompilation Compilation, IReadOnlyList<AdditionalText> Texts) FirstRun()
    {
        var compilation = CreateCompilation(Basic.Reference.Assemblies.Net100.References.All, "class Program { }");
        var texts = ToAdditionalTexts(Files.Select(f => Proto(f)));
        var driver = CreateDriver(texts, trackSteps: true).RunGenerators(compilation);
        return (driver, compilation, texts);
    }

    private static AdditionalText Find(IReadOnlyList<AdditionalText> texts, string file) =>
        texts.Single(t => t.Path == ProjectDir + file);

    private static IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorDriver driver, string stepName) =>
        driver.GetRunResult().Results.Single().TrackedSteps[stepName]
            .SelectMany(step => step.Outputs)
            .ToList();

    /// <summary>The names of the generator's own steps (every constant of <see cref="TrackingNames"/>).</summary>
    private static readonly string[] s_stepNames =
        typeof(TrackingNames).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToArray();

    /// <summary>Every output of every step of ours, and of the source outputs, with the step's name.</summary>
    private static IReadOnlyList<(string Step, IncrementalStepRunReason Reason)> AllOutputs(GeneratorDriver driver)
    {
        var result = driver.GetRunResult().Results.Single();
        Assert.All(s_stepNames, name => Assert.Contains(name, result.TrackedSteps.Keys));
        return s_stepNames.SelectMany(name => result.TrackedSteps[name].Select(step => (name, step)))
            .Concat(result.TrackedOutputSteps.SelectMany(pair => pair.Value.Select(step => (name: pair.Key, step))))
            .SelectMany(pair => pair.step.Outputs.Select(output => (pair.name, output.Reason)))
            .ToList();
    }

    private static void AssertAllCached(GeneratorDriver driver)
    {
        var outputs = AllOutputs(driver);
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"Step {o.Step} ran again ({o.Reason}) although its input did not change."));
    }

    [Fact]
    public void Running_again_with_nothing_changed_caches_every_step()
    {
        var (driver, compilation, _) = FirstRun();

        driver = driver.RunGenerators(compilation);

        AssertAllCached(driver);
    }

    [Fact]
    public void Unrelated_csharp_edit_parses_nothing_and_regenerates_nothing()
    {
        var (driver, compilation, _) = FirstRun();

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Other { }", GeneratorHarness.ParseOptions));
        driver = driver.RunGenerators(edited);

        Assert.All(Outputs(driver, TrackingNames.ParsedFiles), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        AssertAllCached(driver);
    }

    [Fact]
    public void Editing_one_proto_reparses_that_file_alone()
    {
        var (driver, compilation, texts) = FirstRun();
        var old = Find(texts, "route_guide.proto");
        var text = Proto("route_guide.proto").Text.Replace("rpc GetFeature(Point)", "rpc GetFeatureAt(Point)", StringComparison.Ordinal);

        driver = driver.ReplaceAdditionalText(old, new InMemoryAdditionalText(old.Path, text)).RunGenerators(compilation);

        Assert.Single(Outputs(driver, TrackingNames.ProtoInputs), o => o.Reason == IncrementalStepRunReason.Modified);
        var parsed = Outputs(driver, TrackingNames.ParsedFiles);
        Assert.Equal(Files.Length, parsed.Count);
        var modified = Assert.Single(parsed, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal("route_guide.proto", ((ProtoFileSpec)modified.Value).ImportPath);
        Assert.All(parsed.Where(o => o != modified), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));

        var files = Outputs(driver, TrackingNames.ServiceFiles);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(files, o => ((ServiceFileModel)o.Value).HintName == "route_guide.proto.g.cs").Reason);
        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(files, o => ((ServiceFileModel)o.Value).HintName == "greet.proto.g.cs").Reason);
    }

    /// <summary>The import path of a per-file step's output (the steps between parsing and resolution).</summary>
    private static string ImportPathOf(object value) => value switch
    {
        ProtoFileSpec spec => spec.ImportPath,
        GrpcServer.Generators.Resolution.FileSymbols symbols => symbols.Spec.ImportPath,
        GrpcServer.Generators.Resolution.FileResult result => result.File.Spec.ImportPath,
        _ => throw new InvalidOperationException("Not a per-file output: " + value.GetType().Name),
    };

    /// <summary>Asserts that a per-file step ran again for <paramref name="rerun"/> only and reused every other file's output.</summary>
    private static void AssertRanFor(GeneratorDriver driver, string stepName, params string[] rerun)
    {
        var outputs = Outputs(driver, stepName);
        Assert.Equal(Files.Length, outputs.Count);
        foreach (var (value, reason) in outputs)
        {
            var file = ImportPathOf(value);
            if (rerun.Contains(file))
            {
                // Ran again: Modified, or Unchanged when the result is equal (an importer of the edited file).
                Assert.True(reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.Unchanged, $"{stepName} did not run again for {file} ({reason}).");
            }
            else
            {
                Assert.True(reason is IncrementalStepRunReason.Cached, $"{stepName} ran again for {file} ({reason}), which the edit does not touch.");
            }
        }
    }

    private static void AssertNotModified(GeneratorDriver driver, string stepName) =>
        Assert.All(Outputs(driver, stepName), o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"{stepName} changed ({o.Reason}), so a project-wide step ran again."));

    private static GeneratorDriver Edit(GeneratorDriver driver, CSharpCompilation compilation, IReadOnlyList<AdditionalText> texts, string file, string find, string replace)
    {
        var old = Find(texts, file);
        var original = Proto(file).Text;
        Assert.Contains(find, original, StringComparison.Ordinal);
        var text = original.Replace(find, replace, StringComparison.Ordinal);
        return driver.ReplaceAdditionalText(old, new InMemoryAdditionalText(old.Path, text)).RunGenerators(compilation);
    }

    [Fact]
    public void Renaming_an_rpc_resolves_and_emits_that_file_alone_and_not_the_project_wide_sources()
    {
        var (driver, compilation, texts) = FirstRun();

        driver = Edit(driver, compilation, texts, "route_guide.proto", "rpc GetFeature(Point)", "rpc GetFeatureAt(Point)");

        AssertRanFor(driver, TrackingNames.FileSymbols, "route_guide.proto");
        AssertRanFor(driver, TrackingNames.ResolvedFiles, "route_guide.proto");
        Assert.All(Outputs(driver, TrackingNames.CompletedFiles).Where(o => ImportPathOf(o.Value) != "route_guide.proto"), o => Assert.NotEqual(IncrementalStepRunReason.Modified, o.Reason));
        var files = Outputs(driver, TrackingNames.ServiceFiles);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(files, o => ((ServiceFileModel)o.Value).HintName == "route_guide.proto.g.cs").Reason);
        Assert.All(files.Where(o => ((ServiceFileModel)o.Value).HintName != "route_guide.proto.g.cs"), o => Assert.NotEqual(IncrementalStepRunReason.Modified, o.Reason));

        // The catalogue and the AddHandler overloads depend on the service index alone.
        AssertNotModified(driver, TrackingNames.ServiceIndex);
    }

    [Fact]
    public void Adding_a_field_leaves_the_name_index_and_the_project_wide_sources_alone()
    {
        var (driver, compilation, texts) = FirstRun();

        driver = Edit(driver, compilation, texts, "route_guide.proto", "int32 longitude = 2;", "int32 longitude = 2;\n  int32 altitude = 3;");

        AssertRanFor(driver, TrackingNames.FileSymbols, "route_guide.proto");
        AssertRanFor(driver, TrackingNames.ResolvedFiles, "route_guide.proto");

        // A field declares no name the index holds: the summary is equal, so the index is not built again.
        AssertNotModified(driver, TrackingNames.Declarations);
        Assert.All(Outputs(driver, TrackingNames.NameIndex), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        AssertNotModified(driver, TrackingNames.ServiceIndex);
        Assert.All(Outputs(driver, TrackingNames.ServiceFiles), o => Assert.NotEqual(IncrementalStepRunReason.Modified, o.Reason));
    }

    [Fact]
    public void Editing_an_imported_file_resolves_it_and_its_importers_only()
    {
        var (driver, compilation, texts) = FirstRun();

        driver = Edit(driver, compilation, texts, "shop/common.proto", "message Money {", "message Money {\n  string note = 99;");

        AssertRanFor(driver, TrackingNames.FileSymbols, "shop/common.proto");
        AssertRanFor(driver, TrackingNames.ResolvedFiles, "shop/common.proto", "shop/orders.proto");
        AssertNotModified(driver, TrackingNames.ServiceIndex);
    }

    [Fact]
    public void Moving_text_in_a_proto_changes_diagnostics_only_not_generated_source()
    {
        var (driver, compilation, texts) = FirstRun();
        var old = Find(texts, "greet.proto");

        driver = driver.ReplaceAdditionalText(old, new InMemoryAdditionalText(old.Path, "\n\n" + Proto("greet.proto").Text)).RunGenerators(compilation);

        Assert.Single(Outputs(driver, TrackingNames.ParsedFiles), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.NotEqual(IncrementalStepRunReason.Modified, Assert.Single(Outputs(driver, TrackingNames.Model)).Reason);
        Assert.All(Outputs(driver, TrackingNames.ServiceFiles), o => Assert.NotEqual(IncrementalStepRunReason.Modified, o.Reason));
    }

    [Fact]
    public void No_step_output_holds_a_compilation_symbol_or_syntax_node()
    {
        var (driver, _, _) = FirstRun();

        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        Assert.All(s_stepNames, name => Assert.Contains(name, steps.Keys));
        foreach (var (name, runs) in steps.Where(s => s_stepNames.Contains(s.Key)))
        {
            foreach (var run in runs)
            {
                foreach (var (value, _) in run.Outputs)
                {
                    // The first two steps are the inputs themselves (the AdditionalTexts, with the options);
                    // every later step must hold plain values.
                    AssertHoldsNoRoslynObjects(value, name, allowInputs: name is TrackingNames.ProtoFiles or TrackingNames.ProtoFilesWithOptions, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }
    }

    private static void AssertHoldsNoRoslynObjects(object? value, string step, bool allowInputs, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value) ||
            (allowInputs && value is AdditionalText or Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider))
        {
            return;
        }

        Assert.False(
            value is Compilation or ISymbol or SyntaxNode or SyntaxTree or SemanticModel or Location or AdditionalText or Diagnostic,
            $"Step {step} holds a {value.GetType().Name}, which defeats caching.");

        if (value is IEnumerable sequence)
        {
            foreach (var item in sequence)
            {
                AssertHoldsNoRoslynObjects(item, step, allowInputs, seen);
            }

            return;
        }

        for (var type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                AssertHoldsNoRoslynObjects(field.GetValue(value), step, allowInputs, seen);
            }
        }
    }
}
