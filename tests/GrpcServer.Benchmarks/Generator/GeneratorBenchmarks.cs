using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;

namespace GrpcServer.Benchmarks.Generator;

/// <summary>
/// The generator over the 100-file corpus through <see cref="Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver"/>:
/// a cold run (a new driver: every file parsed, resolved and emitted, the output parsed into syntax trees) and a
/// warm run (the same driver again, nothing changed: what every keystroke in C# costs in the IDE).
/// </summary>
public class GeneratorRunBenchmarks
{
    private GeneratorHarness _harness = null!;
    private GeneratorDriver _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        _harness = new GeneratorHarness();
        _warm = GeneratorHarness.CreateDriver(_harness.Texts).RunGenerators(_harness.Compilation);
    }

    [Benchmark(Description = "cold run")]
    public GeneratorDriver Cold() => GeneratorHarness.CreateDriver(_harness.Texts).RunGenerators(_harness.Compilation);

    [Benchmark(Description = "warm run, nothing changed")]
    public GeneratorDriver Warm() => _warm.RunGenerators(_harness.Compilation);
}

/// <summary>
/// The generator after one .proto file of the corpus is edited: each iteration starts from the same warm driver
/// with the file replaced (iteration setup, not measured) and times the run that follows.
/// </summary>
public class GeneratorEditBenchmarks
{
    private GeneratorHarness _harness = null!;
    private GeneratorDriver _warm = null!;
    private GeneratorDriver _edited = null!;
    private (AdditionalText Old, AdditionalText New) _renamed;
    private (AdditionalText Old, AdditionalText New) _field;

    [GlobalSetup]
    public void Setup()
    {
        _harness = new GeneratorHarness();
        _warm = GeneratorHarness.CreateDriver(_harness.Texts).RunGenerators(_harness.Compilation);
        _renamed = _harness.Edit(ProtoCorpus.WithRenamedRpc, 1);
        _field = _harness.Edit(ProtoCorpus.WithAddedField, 1);
    }

    [IterationSetup(Target = nameof(RenameRpc))]
    public void EditRpcName() => _edited = _warm.ReplaceAdditionalText(_renamed.Old, _renamed.New);

    [IterationSetup(Target = nameof(AddField))]
    public void EditField() => _edited = _warm.ReplaceAdditionalText(_field.Old, _field.New);

    [Benchmark(Description = "one .proto edited: an RPC renamed")]
    public GeneratorDriver RenameRpc() => _edited.RunGenerators(_harness.Compilation);

    [Benchmark(Description = "one .proto edited: a field added")]
    public GeneratorDriver AddField() => _edited.RunGenerators(_harness.Compilation);
}
