extern alias ProtoBufNet;

using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using GrpcServer.Generators;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;
using GrpcServer.Generators.Resolution;
using FileDescriptorSet = ProtoBufNet::Google.Protobuf.Reflection.FileDescriptorSet;

namespace GrpcServer.Benchmarks.Generator;

/// <summary>
/// Our .proto parser against protobuf-net.Reflection's over the same 100-file corpus: the parsers alone (text to
/// tree, with their own checks), and each front end whole (parse, then resolve every type name across files).
/// </summary>
public class ParserBenchmarks
{
    private IReadOnlyList<ProtoSource> _corpus = null!;
    private ProtoFileInput[] _inputs = null!;
    private ImmutableArray<ProtoFileSpec> _specs;

    [GlobalSetup]
    public void Setup()
    {
        var harness = new GeneratorHarness();
        _corpus = harness.Corpus;

        // Read as the generator reads its AdditionalFiles (import path, import directories), outside the measurement.
        _inputs = harness.Texts.Select(text => ProtoInputReader.Read(text, GeneratorHarness.Options, CancellationToken.None)).ToArray();
        _specs = [.. _inputs.Select(ProtoFileSpecBuilder.Build)];
    }

    /// <summary>protobuf-net.Reflection: <c>FileDescriptorSet.Add</c> (parse) for every file, then <c>Process</c> (resolve).</summary>
    [Benchmark(Baseline = true, Description = "protobuf-net.Reflection: Add + Process")]
    public int ProtobufNet()
    {
        var set = new FileDescriptorSet();
        foreach (var file in _corpus)
        {
            set.Add(file.ImportPath, includeInOutput: true, new StringReader(file.Text));
        }

        set.Process();
        return set.Files.Count;
    }

    /// <summary>protobuf-net.Reflection's parse step alone: <c>FileDescriptorSet.Add</c> for every file.</summary>
    [Benchmark(Description = "protobuf-net.Reflection: Add only")]
    public int ProtobufNetParseOnly()
    {
        var set = new FileDescriptorSet();
        foreach (var file in _corpus)
        {
            set.Add(file.ImportPath, includeInOutput: true, new StringReader(file.Text));
        }

        return set.Files.Count;
    }

    /// <summary>Our parser: <c>ProtoParser.Parse</c> (tokenize, parse, validate) for every file.</summary>
    [Benchmark(Description = "ours: ProtoParser.Parse")]
    public int Ours()
    {
        var errors = 0;
        foreach (var file in _corpus)
        {
            errors += ProtoParser.Parse(file.Text).Errors.Count;
        }

        return errors;
    }

    /// <summary>Our whole front end: parse and reduce each file to its spec, then resolve names across all files.</summary>
    [Benchmark(Description = "ours: parse + spec + resolve")]
    public int OursFrontEnd()
    {
        var specs = ImmutableArray.CreateBuilder<ProtoFileSpec>(_inputs.Length);
        foreach (var input in _inputs)
        {
            specs.Add(ProtoFileSpecBuilder.Build(input));
        }

        return ProtoResolver.Resolve(specs.MoveToImmutable()).Diagnostics.Count;
    }

    /// <summary>
    /// The cross-file step alone: <c>ProtoResolver.Resolve</c> over the 100 parsed files. The generator runs it over
    /// all files whenever any one changes, so it bounds the cost of an edit from below.
    /// </summary>
    [Benchmark(Description = "ours: resolve only")]
    public int OursResolveOnly() => ProtoResolver.Resolve(_specs).Diagnostics.Count;

    /// <summary>Both parsers accept the corpus without errors and see every file; throws otherwise.</summary>
    public void Check()
    {
        Setup();
        var ours = _corpus.SelectMany(file => ProtoParser.Parse(file.Text).Errors.Select(e => $"{file.ImportPath}: {e.Message}")).ToList();
        if (ours.Count > 0)
        {
            throw new InvalidOperationException("Our parser reported errors in the corpus:\n" + string.Join("\n", ours.Take(20)));
        }

        if (OursFrontEnd() != 0)
        {
            throw new InvalidOperationException("Our front end reported problems in the corpus.");
        }

        var set = new FileDescriptorSet();
        foreach (var file in _corpus)
        {
            set.Add(file.ImportPath, includeInOutput: true, new StringReader(file.Text));
        }

        set.Process();
        var theirs = set.GetErrors();
        if (theirs.Length > 0)
        {
            throw new InvalidOperationException("protobuf-net.Reflection reported errors in the corpus:\n" + string.Join("\n", theirs.Take(20).Select(e => e.ToString())));
        }

        var rpcs = set.Files.Where(f => f.IncludeInOutput).Sum(f => f.Services.Sum(s => s.Methods.Count));
        if (rpcs != ProtoCorpus.RpcCount)
        {
            throw new InvalidOperationException($"protobuf-net.Reflection found {rpcs} RPCs in the corpus's {ProtoCorpus.RpcCount}.");
        }
    }
}
