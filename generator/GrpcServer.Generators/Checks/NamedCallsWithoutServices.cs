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
        var calls = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: AddHandler }, ArgumentList.Arguments.Count: >= 3 },
                static (syntax, cancellationToken) => ServiceArgument(syntax, cancellationToken))
            .Where(static call => call is not null)
            .Collect()
            .WithTrackingName(TrackingNames.NamedAddHandlerCalls);

        var hasServices = model
            .Select(static (m, _) => HasServices(m))
            .WithTrackingName(TrackingNames.DeclaresServices);

        context.RegisterSourceOutput(calls.Combine(hasServices).Combine(grpcToolsReferenced), static (spc, input) =>
        {
            var ((found, declaresServices), grpcTools) = input;
            if (declaresServices || found.IsEmpty)
            {
                return;
            }

            var advice = grpcTools
                ? $"The GrpcServer generator reads the project's Protobuf items: list the .proto files in the project file, such as {ProjectFileAdvice.ProtobufFolderItem}."
                : $"The GrpcServer generator reads the project's Protobuf items, and Grpc.Tools generates their message classes: add both to the project file, such as {ProjectFileAdvice.GrpcToolsReference} and {ProjectFileAdvice.ProtobufFolderItem}.";
            spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NoProtoServices, First(found)!.ToLocation(), advice));
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

    /// <summary>Where the service name of a named AddHandler call on an RpcServer is, or <see langword="null"/>.</summary>
    private static CallSite? ServiceArgument(GeneratorSyntaxContext syntax, CancellationToken cancellationToken)
    {
        var call = (InvocationExpressionSyntax)syntax.Node;
        var receiver = ((MemberAccessExpressionSyntax)call.Expression).Expression;
        var arguments = call.ArgumentList.Arguments;
        var service = arguments[0];
        foreach (var argument in arguments)
        {
            if (argument.NameColon?.Name.Identifier.ValueText == "service")
            {
                service = argument;
            }
        }

        // The named form starts with the service name; RpcServer's own AddHandler methods take a descriptor.
        if (syntax.SemanticModel.GetTypeInfo(service.Expression, cancellationToken).Type?.SpecialType != SpecialType.System_String
            || syntax.SemanticModel.GetTypeInfo(receiver, cancellationToken).Type is not INamedTypeSymbol
            {
                Name: "RpcServer",
                ContainingNamespace: { Name: "GrpcServer", ContainingNamespace.IsGlobalNamespace: true },
            })
        {
            return null;
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

    /// <summary>The first call, by file path and position: the same one however the files are ordered.</summary>
    private static CallSite? First(ImmutableArray<CallSite?> calls)
    {
        CallSite? first = null;
        foreach (var call in calls)
        {
            if (call is not null && (first is null || string.CompareOrdinal(call.Path, first.Path) < 0 || (call.Path == first.Path && call.Start < first.Start)))
            {
                first = call;
            }
        }

        return first;
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
