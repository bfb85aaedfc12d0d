using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GrpcServer.Benchmarks.Scale;

/// <summary>The candidate designs of the named <c>AddHandler</c> form (issue 13.3), and the descriptor form for reference.</summary>
internal enum OverloadDesign
{
    /// <summary>(a) One generated overload per handler shape and kind (the seed's design): 2 per unary or server streaming shape, 1 per other.</summary>
    PerShape,

    /// <summary>(b) Six generic overloads, one per handler shape, plus a last-resort <c>Delegate</c> overload (PLAN D5).</summary>
    GenericPlusDelegate,

    /// <summary>(c) A single <c>Delegate</c> overload.</summary>
    DelegateOnly,

    /// <summary>The descriptor form, <c>AddHandler(Service0Rpcs.Call0, handler)</c>: six generic instance methods.</summary>
    Descriptor,
}

internal sealed record DesignTiming(int RpcCount, OverloadDesign Design, HandlerStyle Style, int Repetition, double FirstCallMs, double PerCallMs, int Overloads);

/// <summary>
/// The candidate overload designs measured against each other without the generator: synthetic source with stubs
/// of the runtime (<c>RpcServer</c> with the descriptor form's six instance overloads, <c>Context</c>, descriptor
/// types, <c>IMessage&lt;T&gt;</c>), the scale corpus's message classes as empty stubs, the design's extension
/// overloads and the registering file of the scale projects. Per repetition a new compilation (an edit), then
/// <c>GetSpeculativeSymbolInfo</c> of one registration (the first: it also completes the extension class) and of
/// <see cref="RoslynScale.SpeculativeCalls"/> more, whose median is the cost of binding one call.
/// </summary>
internal static class OverloadDesigns
{
    public static string Name(this OverloadDesign design) => design switch
    {
        OverloadDesign.PerShape => "(a) one overload per handler shape (today)",
        OverloadDesign.GenericPlusDelegate => "(b) six generic overloads + Delegate (D5)",
        OverloadDesign.DelegateOnly => "(c) one Delegate overload",
        _ => "descriptor form (reference)",
    };

    public static IEnumerable<DesignTiming> Measure(int rpcCount, OverloadDesign design, HandlerStyle style, int repetitions)
    {
        var rpcs = ScaleCorpus.Rpcs(rpcCount);
        var variant = new ScaleVariant(design == OverloadDesign.Descriptor ? RegistrationForm.Descriptor : RegistrationForm.Named, style);
        var (library, overloads) = Library(rpcs, design);
        var parse = new CSharpParseOptions(LanguageVersion.Default);
        var trees = new[]
        {
            CSharpSyntaxTree.ParseText(library, parse, "Library.cs"),
            CSharpSyntaxTree.ParseText(ScaleSources.Replies, parse, "Replies.cs"),
            CSharpSyntaxTree.ParseText(GlobalUsings, parse, "GlobalUsings.cs"),
        };
        var programText = ScaleSources.Program(variant, rpcs, ScaleCorpus.Namespaces(rpcCount));

        // Repetition 0 is not kept: the first compilation of a design compiles Roslyn's code paths for it.
        for (var repetition = 0; repetition <= repetitions; repetition++)
        {
            var program = CSharpSyntaxTree.ParseText(programText + $"// edit {repetition}\n", parse, "Program.cs");
            var compilation = CSharpCompilation.Create(
                "Synthetic",
                [.. trees, program],
                Basic.Reference.Assemblies.Net100.References.All,
                new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
            var model = compilation.GetSemanticModel(program);
            var position = program.GetRoot().DescendantNodes().OfType<GlobalStatementSyntax>().Last().SpanStart;
            var times = new List<double>();
            foreach (var rpc in RoslynScale.Spread(rpcs, RoslynScale.SpeculativeCalls + 1))
            {
                var expression = SyntaxFactory.ParseExpression(ScaleSources.Registration(variant, rpc));
                var stopwatch = Stopwatch.StartNew();
                var info = model.GetSpeculativeSymbolInfo(position, expression, SpeculativeBindingOption.BindAsExpression);
                times.Add(stopwatch.Elapsed.TotalMilliseconds);
                if (info.Symbol is not IMethodSymbol method || method.Name != "AddHandler")
                {
                    throw new InvalidOperationException($"{design.Name()}, {style}: '{expression}' did not bind ({info.CandidateReason}).");
                }
            }

            if (repetition == 0)
            {
                var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(5).ToList();
                if (errors.Count > 0 && rpcCount <= 50)
                {
                    throw new InvalidOperationException($"{design.Name()}, {style}: the synthetic source has errors:\n" + string.Join("\n", errors));
                }
            }

            if (repetition == 0)
            {
                continue;
            }

            yield return new DesignTiming(rpcCount, design, style, repetition, times[0], Reporting.Statistics.Median(times.Skip(1)), overloads);
        }
    }

    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Threading.Tasks;
        """;

    /// <summary>The runtime stubs, the messages and the design's overloads; returns how many named overloads there are.</summary>
    private static (string Text, int Overloads) Library(IReadOnlyList<ScaleRpc> rpcs, OverloadDesign design)
    {
        const string Constraints = "where TRequest : class, global::Google.Protobuf.IMessage<TRequest> where TResponse : class, global::Google.Protobuf.IMessage<TResponse>";
        var text = new StringBuilder();
        text.Append("""
            namespace Google.Protobuf
            {
                public interface IMessage<T> where T : IMessage<T> { }
            }

            namespace Google.Protobuf.WellKnownTypes
            {
                public sealed class Empty : global::Google.Protobuf.IMessage<Empty> { }
            }

            namespace GrpcServer
            {
                public sealed class Context { }
                public sealed class UnaryRpc<TRequest, TResponse> where TRequest : class where TResponse : class { }
                public sealed class ServerStreamingRpc<TRequest, TResponse> where TRequest : class where TResponse : class { }
                public sealed class ClientStreamingRpc<TRequest, TResponse> where TRequest : class where TResponse : class { }
                public sealed class DuplexStreamingRpc<TRequest, TResponse> where TRequest : class where TResponse : class { }

                public sealed class RpcServer
                {
                    public void HandleRpc() { }

            """);
        foreach (var (descriptor, handler) in GenericShapes)
        {
            text.Append($"        public RpcServer AddHandler<TRequest, TResponse>({descriptor}<TRequest, TResponse> rpc, {handler} handler) {Constraints} => this;\n");
        }

        text.Append("    }\n\n    internal static class GeneratedAddHandlerExtensions\n    {\n");
        var overloads = 0;
        const string Named = "public static RpcServer AddHandler(this RpcServer server, string service, string rpc, ";
        switch (design)
        {
            case OverloadDesign.PerShape:
                foreach (var rpc in rpcs)
                {
                    foreach (var handler in ShapesOf(rpc))
                    {
                        text.Append("        ").Append(Named).Append(handler).Append(" handler, string? package = null) => server;\n");
                        overloads++;
                    }
                }

                break;
            case OverloadDesign.GenericPlusDelegate:
                foreach (var (_, handler) in GenericShapes)
                {
                    text.Append($"        public static RpcServer AddHandler<TRequest, TResponse>(this RpcServer server, string service, string rpc, {handler} handler, string? package = null) {Constraints} => server;\n");
                    overloads++;
                }

                text.Append("        ").Append(Named).Append("Delegate handler, string? package = null) => server;\n");
                overloads++;
                break;
            case OverloadDesign.DelegateOnly:
                text.Append("        ").Append(Named).Append("Delegate handler, string? package = null) => server;\n");
                overloads++;
                break;
        }

        text.Append("    }\n}\n\n");

        // The messages and descriptors, in the namespaces the registering file imports.
        foreach (var file in rpcs.GroupBy(r => r.File))
        {
            var ns = file.First().Namespace;
            text.Append("namespace ").Append(ns).Append("\n{\n");
            for (var m = 0; m < ScaleCorpus.MessagesPerFile; m++)
            {
                var name = $"F{file.Key}M{m}";
                text.Append("    public sealed class ").Append(name).Append(" : global::Google.Protobuf.IMessage<").Append(name).Append("> { }\n");
            }

            text.Append("    public static class Service").Append(file.Key).Append("Rpcs\n    {\n");
            foreach (var rpc in file)
            {
                text.Append("        public static readonly global::GrpcServer.").Append(DescriptorOf(rpc.Kind)).Append('<').Append(rpc.Request).Append(", ").Append(rpc.Response)
                    .Append("> ").Append(rpc.Name).Append(" = new();\n");
            }

            text.Append("    }\n}\n\n");
        }

        return (text.ToString(), overloads);
    }

    private static readonly (string Descriptor, string Handler)[] GenericShapes =
    [
        ("UnaryRpc", "Func<TRequest, Context, TResponse>"),
        ("UnaryRpc", "Func<TRequest, Context, Task<TResponse>>"),
        ("ServerStreamingRpc", "Func<TRequest, Context, IEnumerable<TResponse>>"),
        ("ServerStreamingRpc", "Func<TRequest, Context, IAsyncEnumerable<TResponse>>"),
        ("ClientStreamingRpc", "Func<IAsyncEnumerable<TRequest>, Context, Task<TResponse>>"),
        ("DuplexStreamingRpc", "Func<IAsyncEnumerable<TRequest>, Context, IAsyncEnumerable<TResponse>>"),
    ];

    private static string DescriptorOf(ScaleRpcKind kind) => kind switch
    {
        ScaleRpcKind.Unary => "UnaryRpc",
        ScaleRpcKind.ServerStreaming => "ServerStreamingRpc",
        ScaleRpcKind.ClientStreaming => "ClientStreamingRpc",
        _ => "DuplexStreamingRpc",
    };

    /// <summary>Today's generated overloads of one RPC's shape (SourceEmitter.HandlerTypes).</summary>
    private static IEnumerable<string> ShapesOf(ScaleRpc rpc)
    {
        var request = "global::" + rpc.Namespace + "." + rpc.Request;
        var response = rpc.Response.StartsWith("Google.", StringComparison.Ordinal) ? "global::" + rpc.Response : "global::" + rpc.Namespace + "." + rpc.Response;
        return rpc.Kind switch
        {
            ScaleRpcKind.Unary => [$"Func<{request}, Context, {response}>", $"Func<{request}, Context, Task<{response}>>"],
            ScaleRpcKind.ServerStreaming => [$"Func<{request}, Context, IEnumerable<{response}>>", $"Func<{request}, Context, IAsyncEnumerable<{response}>>"],
            ScaleRpcKind.ClientStreaming => [$"Func<IAsyncEnumerable<{request}>, Context, Task<{response}>>"],
            _ => [$"Func<IAsyncEnumerable<{request}>, Context, IAsyncEnumerable<{response}>>"],
        };
    }
}
