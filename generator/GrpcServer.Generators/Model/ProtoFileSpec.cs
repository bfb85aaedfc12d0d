using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Model;

/// <summary>What one parsed .proto file declares, with names not yet resolved across files.</summary>
/// <param name="Path">The file's full path (diagnostics point here).</param>
/// <param name="ImportPath">The path other files import it by, e.g. <c>protos/greet.proto</c>.</param>
/// <param name="ImportDirectories">Directories (full paths) in which its imports may be found.</param>
/// <param name="Package">The package, or <c>""</c>.</param>
/// <param name="CSharpNamespace">The C# namespace protoc uses for the file, or <c>""</c> for the global namespace.</param>
/// <param name="HasSyntaxErrors">Whether the file failed to parse cleanly; its services are then not generated.</param>
/// <param name="Imports">The imports in declaration order.</param>
/// <param name="Types">Every message and enum declared (nested ones too), in declaration order.</param>
/// <param name="Services">The services in declaration order.</param>
/// <param name="EnumValues">The full names of all enum values (which protobuf scopes beside their enum, not inside it).</param>
/// <param name="TypeReferences">The message and enum types named by fields, map values, extensions and <c>extend</c>, to check that they exist.</param>
/// <param name="MapEntries">The full names of the entry messages protoc makes for map fields (<c>pkg.M.LabelsEntry</c>); C# has no class for them.</param>
/// <param name="Diagnostics">Problems found in this file alone.</param>
/// <param name="Syntax"><c>proto2</c>, <c>proto3</c> or <c>editions</c>.</param>
/// <param name="Extensions">The extensions the file declares (in <c>extend</c> blocks), for option names and extension numbers.</param>
/// <param name="CustomOptions">The options the file sets that name an extension (<c>(my.option)</c>), to resolve across files.</param>
internal sealed record ProtoFileSpec(
    string Path,
    string ImportPath,
    EquatableArray<string> ImportDirectories,
    string Package,
    string CSharpNamespace,
    bool HasSyntaxErrors,
    EquatableArray<ImportSpec> Imports,
    EquatableArray<TypeSpec> Types,
    EquatableArray<ServiceSpec> Services,
    EquatableArray<string> EnumValues,
    EquatableArray<FieldTypeSpec> TypeReferences,
    EquatableArray<string> MapEntries,
    EquatableArray<DiagnosticInfo> Diagnostics,
    string Syntax = "proto2",
    EquatableArray<ExtensionSpec> Extensions = default,
    EquatableArray<CustomOptionSpec> CustomOptions = default);

/// <summary>An import statement.</summary>
internal sealed record ImportSpec(string Path, ImportKind Kind, SourceSpan Span);

internal enum ProtoTypeKind
{
    Message,
    Enum,
}

/// <summary>Which files may use a type (edition 2024 symbol visibility; every type before it is exported).</summary>
internal enum TypeVisibility
{
    /// <summary>Every file that imports its file.</summary>
    Exported,

    /// <summary>Only its own file, because it is declared <c>local</c>.</summary>
    Local,

    /// <summary>Only its own file, by the file's <c>features.default_symbol_visibility</c> (nested types, in edition 2024).</summary>
    LocalByDefault,
}

/// <summary>A declared message or enum.</summary>
/// <param name="FullName">The protobuf full name without a leading dot, e.g. <c>pkg.Outer.Inner</c>.</param>
/// <param name="CSharpName">The <c>global::</c>-qualified C# class name protoc generates for it.</param>
/// <param name="Kind">Message or enum.</param>
/// <param name="Span">The span of its name (for duplicate-name diagnostics).</param>
/// <param name="Visibility">Whether other files may use it.</param>
/// <param name="ExtensionRanges">For a message, the field numbers its <c>extensions</c> statements open to extensions.</param>
/// <param name="EnumValues">For an enum, the names of its values (for option values and defaults).</param>
internal sealed record TypeSpec(
    string FullName,
    string CSharpName,
    ProtoTypeKind Kind,
    SourceSpan Span,
    TypeVisibility Visibility = TypeVisibility.Exported,
    EquatableArray<ExtensionRangeSpec> ExtensionRanges = default,
    EquatableArray<string> EnumValues = default,
    EquatableArray<MessageFieldSpec> Fields = default);

/// <summary>A field of a message, for the values of message-typed options (<c>{ get: "/v1" }</c>, <c>(opt).limits.rps = 5</c>).</summary>
/// <param name="Name">The field name; for a group, the group's type name is accepted in text format too.</param>
/// <param name="TypeName">The type as written (a scalar, a type name; for a map <c>map&lt;K, V&gt;</c>).</param>
/// <param name="GroupName">For a group, its type name.</param>
/// <remarks>The type is looked up from the field's full name: the message's full name, a dot and <see cref="Name"/>.</remarks>
internal sealed record MessageFieldSpec(string Name, string TypeName, string? GroupName = null);

/// <summary>An inclusive range of extension numbers.</summary>
internal readonly record struct ExtensionRangeSpec(long From, long To);

/// <summary>An extension: a field declared in an <c>extend</c> block.</summary>
/// <param name="FullName">Its full name, e.g. <c>acme.annotations.owner</c>.</param>
/// <param name="Extendee">The extended message as written.</param>
/// <param name="Scope">The full name the extendee and the type are looked up from (the extension's own).</param>
/// <param name="TypeName">The field type as written (a scalar, a type name, or a group's name).</param>
/// <param name="Repeated">Whether it is repeated.</param>
/// <param name="Number">Its field number.</param>
/// <param name="NumberSpan">The span of the number.</param>
internal sealed record ExtensionSpec(string FullName, string Extendee, string Scope, string TypeName, bool Repeated, long Number, SourceSpan NumberSpan);

/// <summary>An option whose name has an extension part: <c>(acme.owner)</c>, <c>(acme.limits).rps</c>, <c>features.(pb.cpp).x</c>.</summary>
/// <param name="Name">The name as written (normalised).</param>
/// <param name="Extension">The extension part, without parentheses (<c>acme.owner</c>, or <c>.acme.owner</c> when fully qualified).</param>
/// <param name="IsLast">Whether the extension is the last part of the name (then the value is the extension's own).</param>
/// <param name="OptionsMessage">The message the extension must extend: <c>google.protobuf.FileOptions</c>, ... or <c>google.protobuf.FeatureSet</c>.</param>
/// <param name="Scope">The full name the extension is looked up from.</param>
/// <param name="Kind">The kind of the value.</param>
/// <param name="Value">The value as the parser read it.</param>
/// <param name="Span">The span of the whole option.</param>
internal sealed record CustomOptionSpec(string Name, string Extension, bool IsLast, string OptionsMessage, string Scope, OptionValueKind Kind, string Value, SourceSpan Span);

/// <summary>A service.</summary>
internal sealed record ServiceSpec(string Name, string FullName, string? Comment, SourceSpan NameSpan, EquatableArray<RpcSpec> Rpcs);

/// <summary>An rpc with its request and response type references as written.</summary>
internal sealed record RpcSpec(string Name, string? Comment, SourceSpan NameSpan, TypeReferenceSpec Request, TypeReferenceSpec Response);

/// <summary>A type named by a field (<c>Foo f = 1;</c>, <c>map&lt;string, Foo&gt;</c>) or by an <c>extend Foo</c>.</summary>
/// <param name="Name">The name as written.</param>
/// <param name="Scope">The full name it is looked up from (the field's full name, as protoc does).</param>
/// <param name="Context">Where it is named, for the message: <c>field 'price' of message 'shop.Line'</c>.</param>
/// <param name="IsExtendee">Whether it is the message of an <c>extend</c> (which must be a message, not an enum).</param>
/// <param name="Span">The span of the name.</param>
/// <param name="Default">The field's <c>[default = ...]</c>, if any, to check against the type once it is resolved.</param>
internal sealed record FieldTypeSpec(string Name, string Scope, string Context, bool IsExtendee, SourceSpan Span, DefaultValueSpec? Default = null);

/// <summary>A <c>[default = ...]</c> value as the parser read it.</summary>
internal sealed record DefaultValueSpec(OptionValueKind Kind, string Value, SourceSpan Span);

/// <summary>A type reference as written in the .proto (<c>Foo</c>, <c>a.Foo</c>, <c>.pkg.Foo</c>).</summary>
internal sealed record TypeReferenceSpec(string Name, bool Streaming, SourceSpan Span);
