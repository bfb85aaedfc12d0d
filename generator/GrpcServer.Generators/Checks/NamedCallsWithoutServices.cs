using System.Collections.Immutable;
using System.Threading;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace GrpcServer.Generators.Checks;

/// <summary>
/// A named <c>server.AddHandler("Calculator", "Compute", handler)</c> call in a project whose .proto files declare no
/// service: none is a <c>Protobuf</c> item, so none reached the generator and there are no named overloads. One
/// error, GRPCSRV202, at the first such call's service name, says what to add to the project file.
/// </summary>
/// <remarks>
/// The generator reports it, not the analyzer: the program's <c>using Calc.V1;</c> fails too (no message classes), and
/// the compiler runs no analyzer once a using directive fails; the generator's diagnostics come first. The calls are
/// found per syntax tree; the receiver's type is checked, so another library's <c>AddHandler</c> is not one.
/// </remarks>
internal static class NamedCallsWithoutServices
{
    private const string AddHandler = "AddHandler";

    public static void Register(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<GenerationModel> model, IncrementalValueProvider<bool> grpcToolsReferenced)
    {
        // Syntax only: asking the semantic model about an argument binds the whole call, and with a typed lambda that
        // is overload resolution against every named overload, for every AddHandler call of an edited file (1.3 s per
        // edit at 1,000 RPCs). The types are checked below, and only in a project that declares no service.
        var calls = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: AddHandler }, ArgumentList.Arguments.Count: >= 3 },
                static (syntax, _) => ServiceArgument((InvocationExpressionSyntax)syntax.Node))
            .Collect()
            .WithTrackingName(TrackingNames.NamedAddHandlerCalls);

        var hasServices = model
            .Select(static (m, _) => HasServices(m))
            .WithTrackingName(TrackingNames.DeclaresServices);

        // Empty whenever a service is declared, so the compilation is not looked at in a project that has any; the
        // check's result is a plain value, so a C# edit that leaves it as it was leaves the output cached.
        var first = calls
            .Combine(hasServices)
            .Select(static (input, _) => input.Right ? ImmutableArray<CallSite>.Empty : input.Left)
            .Combine(context.CompilationProvider)
            .Select(static (input, cancellationToken) => input.Left.IsEmpty ? null : First(input.Left, input.Right, cancellationToken));

        context.RegisterSourceOutput(first.Combine(grpcToolsReferenced), static (spc, input) =>
        {
            var (call, grpcTools) = input;
            if (call is null)
            {
                return;
            }

            var advice = grpcTools
                ? $"The GrpcServer generator reads the project's Protobuf items: list the .proto files in the project file, such as {ProjectFileAdvice.ProtobufFolderItem}."
                : $"The GrpcServer generator reads the project's Protobuf items, and Grpc.Tools generates their message classes: add both to the project file, such as {ProjectFileAdvice.GrpcToolsReference} and {ProjectFileAdvice.ProtobufFolderItem}.";
            spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NoProtoServices, call.ToLocation(), advice));
        });
    }

    private static bool HasServices(GenerationModel model)
    {
        foreach (var file in model.Files)
        {
            if (!file.Services.IsEmpty)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Where the service name argument of a call named AddHandler is (syntax only; the types are not known yet).</summary>
    private static CallSite ServiceArgument(InvocationExpressionSyntax call)
    {
        var arguments = call.ArgumentList.Arguments;
        var service = arguments[0];
        foreach (var argument in arguments)
        {
            if (argument.NameColon?.Name.Identifier.ValueText == "service")
            {
                service = argument;
            }
        }

        var span = service.Expression.GetLocation().GetLineSpan();
        return new CallSite(
            call.SyntaxTree.FilePath,
            service.Expression.Span.Start,
            service.Expression.Span.Length,
            span.StartLinePosition.Line,
            span.StartLinePosition.Character,
            span.EndLinePosition.Line,
            span.EndLinePosition.Character);
    }

    /// <summary>
    /// The first named AddHandler call on an RpcServer, by file path and position (the same one however the files are
    /// ordered), or <see langword="null"/>: the service argument is a string and the receiver is GrpcServer's RpcServer,
    /// so another library's AddHandler, or RpcServer's own descriptor form, is not one.
    /// </summary>
    private static CallSite? First(ImmutableArray<CallSite> calls, Compilation compilation, CancellationToken cancellationToken)
    {
        var ordered = calls.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path) is var byPath and not 0 ? byPath : a.Start.CompareTo(b.Start));
        foreach (var call in ordered)
        {
            if (IsNamedCallOnRpcServer(call, compilation, cancellationToken))
            {
                return call;
            }
        }

        return null;
    }

    private static bool IsNamedCallOnRpcServer(CallSite call, Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath != call.Path)
            {
                continue;
            }

            var service = tree.GetRoot(cancellationToken).FindNode(new TextSpan(call.Start, call.Length), getInnermostNodeForTie: true);
            if (service is not ExpressionSyntax { Parent: ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: var receiver } } } } } serviceExpression)
            {
                return false;
            }

            var semanticModel = compilation.GetSemanticModel(tree);
            return semanticModel.GetTypeInfo(serviceExpression, cancellationToken).Type?.SpecialType == SpecialType.System_String
                && semanticModel.GetTypeInfo(receiver, cancellationToken).Type is INamedTypeSymbol
                {
                    Name: "RpcServer",
                    ContainingNamespace: { Name: "GrpcServer", ContainingNamespace.IsGlobalNamespace: true },
                };
        }

        return false;
    }

    /// <summary>A location as plain values, so that the pipeline holds no syntax.</summary>
    internal sealed record CallSite(string Path, int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn)
    {
        public Location ToLocation() => Location.Create(
            Path,
            new TextSpan(Start, Length),
            new LinePositionSpan(new LinePosition(StartLine, StartColumn), new LinePosition(EndLine, EndColumn)));
    }
}
