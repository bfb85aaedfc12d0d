namespace GrpcServer.Generators;

/// <summary>The names of the generator's pipeline steps, so tests can check what was cached.</summary>
internal static class TrackingNames
{
    /// <summary>The .proto AdditionalFiles.</summary>
    public const string ProtoFiles = nameof(ProtoFiles);

    /// <summary>Each .proto file paired with the MSBuild options (its ProtoRoot, the project folder).</summary>
    public const string ProtoFilesWithOptions = nameof(ProtoFilesWithOptions);

    /// <summary>Each .proto file read with its import path and import directories.</summary>
    public const string ProtoInputs = nameof(ProtoInputs);

    /// <summary>Each .proto file parsed (one item per file).</summary>
    public const string ParsedFiles = nameof(ParsedFiles);

    /// <summary>Each file's declared names, by full name.</summary>
    public const string FileSymbols = nameof(FileSymbols);

    /// <summary>Each file's summary for the name index: paths, imports, declared names, services (no locations).</summary>
    public const string Declarations = nameof(Declarations);

    /// <summary>The project-wide name index: who declares each name first, where imports lead, the generated names.</summary>
    public const string NameIndex = nameof(NameIndex);

    /// <summary>Every file's names, by file.</summary>
    public const string SymbolsIndex = nameof(SymbolsIndex);

    /// <summary>Each file with what its resolution reads: its facts and the files it sees.</summary>
    public const string FileViews = nameof(FileViews);

    /// <summary>Each file resolved among the files it sees.</summary>
    public const string ResolvedFiles = nameof(ResolvedFiles);

    /// <summary>The whole project's symbols and imports, made only for a file that needs them.</summary>
    public const string ProjectScope = nameof(ProjectScope);

    /// <summary>Each file resolved, with the whole project where it needed it.</summary>
    public const string CompletedFiles = nameof(CompletedFiles);

    /// <summary>All files' results together.</summary>
    public const string CollectedFiles = nameof(CollectedFiles);

    /// <summary>The files' results combined: the model and the diagnostics in project order.</summary>
    public const string Resolved = nameof(Resolved);

    /// <summary>The model to emit (no locations).</summary>
    public const string Model = nameof(Model);

    /// <summary>The diagnostics to report.</summary>
    public const string Diagnostics = nameof(Diagnostics);

    /// <summary>Each .proto file's services, emitted one file each.</summary>
    public const string ServiceFiles = nameof(ServiceFiles);

    /// <summary>The service objects, one reference each: all that the project-wide outputs depend on.</summary>
    public const string ServiceIndex = nameof(ServiceIndex);

    /// <summary>The classes each service file's generated code names (reflection class, request and response messages).</summary>
    public const string MessageClassNames = nameof(MessageClassNames);

    /// <summary>Whether the project references Grpc.Tools (a build property Grpc.Tools defines).</summary>
    public const string GrpcToolsReferenced = nameof(GrpcToolsReferenced);

    /// <summary>The files whose message classes the compilation lacks (the only step that sees the compilation).</summary>
    public const string MessageClassCheck = nameof(MessageClassCheck);

    /// <summary>The model without the services of those files: what is emitted.</summary>
    public const string EmittedModel = nameof(EmittedModel);

    /// <summary>Where the project's named AddHandler calls on an RpcServer name their service.</summary>
    public const string NamedAddHandlerCalls = nameof(NamedAddHandlerCalls);

    /// <summary>Whether any .proto file declares a service.</summary>
    public const string DeclaresServices = nameof(DeclaresServices);
}
