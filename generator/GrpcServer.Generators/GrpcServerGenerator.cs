using System;
using System.Collections.Immutable;
using System.Threading;
using GrpcServer.Generators.Checks;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Emitting;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Resolution;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace GrpcServer.Generators;

/// <summary>
/// Generates typed RPC descriptors, the catalogue of services and the <c>AddHandler(service, rpc, handler)</c>
/// overloads from the project's .proto files (AdditionalFiles). This class only wires the
/// pipeline: reading (<see cref="ProtoInputReader"/>), parsing (<see cref="ProtoFileSpecBuilder"/>),
/// linking (<see cref="ProtoResolver"/>) and writing (<see cref="SourceEmitter"/>) live elsewhere.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class GrpcServerGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // One item per .proto file, so that editing one file re-parses that file alone.
        var protoFiles = context.AdditionalTextsProvider
            .Where(ProtoInputReader.IsProtoFile)
            .WithTrackingName(TrackingNames.ProtoFiles);

        var parsed = protoFiles
            .Combine(context.AnalyzerConfigOptionsProvider)
            .WithTrackingName(TrackingNames.ProtoFilesWithOptions)
            .Select((pair, cancellationToken) => ProtoInputReader.Read(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.ProtoInputs)
            .Select(Parse)
            .WithTrackingName(TrackingNames.ParsedFiles);

        // Resolution, incrementally: each file's names (FileSymbols) and a summary of them (Declarations); a small
        // project-wide index of the summaries (NameIndex: who declares each name first, where imports lead, generated
        // names); then each file resolved among the files it sees (FileViews, ResolvedFiles), so an edit re-resolves
        // the edited file and the files that see it. A file that needs the whole project (a name that does not resolve,
        // custom options) is resolved again with it (CompletedFiles); the results are combined last (Resolved).
        var fileSymbols = parsed
            .Select(static (spec, _) => new FileSymbols(spec))
            .WithTrackingName(TrackingNames.FileSymbols);

        var names = fileSymbols
            .Select(static (symbols, _) => symbols.Declarations)
            .WithTrackingName(TrackingNames.Declarations)
            .Collect()
            .Select(static (declarations, _) => ProjectNames.Build(declarations))
            .WithTrackingName(TrackingNames.NameIndex);

        var index = fileSymbols
            .Collect()
            .Select(static (files, _) => new SymbolsIndex(files))
            .WithTrackingName(TrackingNames.SymbolsIndex);

        var resolvedFiles = fileSymbols
            .Combine(names)
            .Combine(index)
            .Select(static (input, _) => FileView.Create(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.FileViews)
            .Select(ResolveFile)
            .WithTrackingName(TrackingNames.ResolvedFiles);

        var scope = index
            .Select(static (files, _) => new ProjectScope(files))
            .WithTrackingName(TrackingNames.ProjectScope);

        var resolved = resolvedFiles
            .Combine(scope)
            .Select(static (input, cancellationToken) => CompleteFile(input.Left, input.Right, cancellationToken))
            .WithTrackingName(TrackingNames.CompletedFiles)
            .Collect()
            .WithTrackingName(TrackingNames.CollectedFiles)
            .Combine(names)
            .Select(Combine)
            .WithTrackingName(TrackingNames.Resolved);

        var model = resolved
            .Select(static (result, _) => result.Model)
            .WithTrackingName(TrackingNames.Model);

        var diagnostics = resolved
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        // The services whose message classes (Grpc.Tools' output) the compilation has; the others are left out, with one
        // error that says what the project file needs (GRPCSRV201), rather than compiler errors in the generated code.
        // And named AddHandler calls in a project without any service (GRPCSRV202).
        var grpcTools = MessageClassCheck.GrpcToolsReferenced(context);
        var messageClasses = MessageClassCheck.Register(context, model, grpcTools);
        NamedCallsWithoutServices.Register(context, model, grpcTools);
        var emitted = model
            .Combine(messageClasses)
            .Select(static (pair, _) => MessageClassCheck.WithoutMissing(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.EmittedModel);

        var serviceFiles = emitted
            .SelectMany(static (m, _) => m.Files.ToImmutableArray())
            .WithTrackingName(TrackingNames.ServiceFiles);

        // The project-wide outputs depend on this small index alone, so editing an RPC re-emits its own file only.
        var serviceIndex = emitted
            .Select(static (m, _) => SourceEmitter.ServiceReferences(m))
            .WithTrackingName(TrackingNames.ServiceIndex);

        context.RegisterSourceOutput(diagnostics, ReportDiagnostics);
        context.RegisterSourceOutput(serviceFiles, static (spc, file) => Emit(spc, "writing " + file.HintName, () => spc.AddSource(file.HintName, SourceText.From(SourceEmitter.EmitServiceFile(file), System.Text.Encoding.UTF8))));
        context.RegisterSourceOutput(serviceIndex.Combine(messageClasses), static (spc, pair) => Emit(spc, "writing the catalogue of services", () => EmitProjectWideSources(spc, pair.Left, pair.Right.LeftOutServices)));
        context.RegisterSourceOutput(messageClasses, static (spc, check) => Emit(spc, "reporting missing message classes", () =>
        {
            if (MessageClassCheck.ToDiagnostic(check) is { } diagnostic)
            {
                spc.ReportDiagnostic(diagnostic);
            }
        }));
    }

    private static ProtoFileSpec Parse(ProtoFileInput input, CancellationToken cancellationToken)
    {
        try
        {
            return ProtoFileSpecBuilder.Build(input);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // An unreadable file must not take the other files' output down with it.
            return new ProtoFileSpec(
                input.Path,
                input.ImportPath,
                input.ImportDirectories,
                string.Empty,
                string.Empty,
                HasSyntaxErrors: true,
                EquatableArray<ImportSpec>.Empty,
                EquatableArray<TypeSpec>.Empty,
                EquatableArray<ServiceSpec>.Empty,
                EquatableArray<string>.Empty,
                EquatableArray<FieldTypeSpec>.Empty,
                EquatableArray<string>.Empty,
                new EquatableArray<DiagnosticInfo>(new[] { InternalError("parsing " + input.ImportPath, exception, input.Path) }));
        }
    }

    private static FileResult ResolveFile(FileView view, CancellationToken cancellationToken)
    {
        try
        {
            return FileResolver.Resolve(view);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return Failed(view.File, view.Facts, "resolving names in " + view.File.Spec.ImportPath, exception);
        }
    }

    private static FileResult CompleteFile(FileResult result, ProjectScope scope, CancellationToken cancellationToken)
    {
        try
        {
            return FileResolver.Complete(result, scope);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return Failed(result.File, result.Facts, "resolving names across .proto files for " + result.File.Spec.ImportPath, exception);
        }
    }

    private static ResolutionResult Combine((ImmutableArray<FileResult> Files, ProjectNames Names) input, CancellationToken cancellationToken)
    {
        try
        {
            return ProtoResolver.Combine(input.Files, input.Names);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new ResolutionResult(GenerationModel.Empty, new EquatableArray<DiagnosticInfo>(new[] { InternalError("resolving names across .proto files", exception, null) }));
        }
    }

    /// <summary>A file whose resolution failed: no services, one internal error; the other files' output is not affected.</summary>
    private static FileResult Failed(FileSymbols file, FileFacts facts, string activity, Exception exception)
    {
        var none = EquatableArray<DiagnosticInfo>.Empty;
        var error = new EquatableArray<DiagnosticInfo>(new[] { InternalError(activity, exception, file.Spec.Path) });
        return new FileResult(file, facts, null, new FileDiagnostics(none, none, none, error), NeedsProject: false);
    }

    private static void EmitProjectWideSources(SourceProductionContext context, EquatableArray<string> services, bool leftOutServices)
    {
        // With services left out for want of their message classes, the AddHandler overloads are still written, so that
        // the user's calls bind and GRPCSRV201 is the one error, not CS1501 beside it.
        if (services.IsEmpty && !leftOutServices)
        {
            return;
        }

        context.AddSource(SourceEmitter.CatalogHintName, SourceText.From(SourceEmitter.EmitCatalog(services), System.Text.Encoding.UTF8));
        context.AddSource(SourceEmitter.AddHandlerHintName, SourceText.From(SourceEmitter.EmitAddHandlers(), System.Text.Encoding.UTF8));
    }

    private static void ReportDiagnostics(SourceProductionContext context, EquatableArray<DiagnosticInfo> diagnostics)
    {
        Emit(context, "reporting diagnostics", () =>
        {
            foreach (var info in diagnostics)
            {
                context.ReportDiagnostic(ToDiagnostic(info));
            }
        });
    }

    /// <summary>Runs an output callback; an unexpected exception becomes a diagnostic instead of failing the whole generator.</summary>
    private static void Emit(SourceProductionContext context, string activity, Action action)
    {
        try
        {
            action();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            context.ReportDiagnostic(ToDiagnostic(InternalError(activity, exception, null)));
        }
    }

    private static DiagnosticInfo InternalError(string activity, Exception exception, string? path) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.InternalError.Id, path, null, activity, exception.GetType().FullName + ": " + exception.Message);

    internal static Diagnostic ToDiagnostic(DiagnosticInfo info)
    {
        var location = Location.None;
        if (info.FilePath is not null)
        {
            var span = info.Span ?? default;
            location = Location.Create(
                info.FilePath,
                new TextSpan(span.Start.Offset, span.Length),
                new LinePositionSpan(new LinePosition(span.Start.Line, span.Start.Column), new LinePosition(span.End.Line, span.End.Column)));
        }

        var arguments = new object[info.Arguments.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = info.Arguments[i];
        }

        return Diagnostic.Create(DiagnosticDescriptors.Get(info.Id), location, arguments);
    }
}
