using GrpcServer.Generators.Helpers;

namespace GrpcServer.Generators.Model;

/// <summary>
/// One .proto AdditionalFile as the generator sees it: its full path, the path other files import
/// it by (relative to its proto root, with <c>/</c>), the directories its imports may be found
/// in, and its text.
/// </summary>
internal sealed record ProtoFileInput(string Path, string ImportPath, EquatableArray<string> ImportDirectories, string Text);
