namespace GrpcServer.Generators.Checks;

/// <summary>The project file lines that GRPCSRV201 and GRPCSRV202 tell a user to add.</summary>
internal static class ProjectFileAdvice
{
    /// <summary>The Grpc.Tools version GrpcServer is built and tested with (Directory.Packages.props; a test keeps them equal).</summary>
    public const string GrpcToolsVersion = "2.85.0";

    /// <summary>The package reference that makes Grpc.Tools generate the message classes.</summary>
    public const string GrpcToolsReference = "<PackageReference Include=\"Grpc.Tools\" Version=\"" + GrpcToolsVersion + "\" PrivateAssets=\"all\" />";

    /// <summary>The item of a folder of .proto files, as README's "Install from NuGet" writes it.</summary>
    public const string ProtobufFolderItem = "<Protobuf Include=\"Protos/**/*.proto\" ProtoRoot=\"Protos\" GrpcServices=\"None\" />";

    /// <summary>The item of one .proto file.</summary>
    public static string ProtobufItem(string path) => $"<Protobuf Include=\"{path}\" GrpcServices=\"None\" />";
}
