using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Diagnostics;

/// <summary>
/// The .proto diagnostics (GRPCSRV001-010), reported by the generator. Where one ID has messages of several shapes,
/// each shape is a descriptor of its own with that ID (a variant), so the wording lives here, in message formats, and
/// the code that finds a problem passes only its arguments. A <see cref="DiagnosticInfo"/> names its descriptor by
/// <see cref="Key"/>: the ID, or <c>ID:variant</c>.
/// </summary>
internal static partial class DiagnosticDescriptors
{
    private const string GeneratorTitleUnknownType = "Unknown type";
    private const string GeneratorTitleDuplicate = "Duplicate .proto name";
    private const string GeneratorTitleClash = "Generated C# name clash";

    /// <summary>GRPCSRV001: the .proto text does not parse.</summary>
    public static readonly DiagnosticDescriptor ProtoSyntaxError = Variant("GRPCSRV001", null, "Invalid .proto syntax", "{0}", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV002: the .proto parses but breaks a rule of the language.</summary>
    public static readonly DiagnosticDescriptor InvalidProtoDeclaration = Variant("GRPCSRV002", null, "Invalid .proto declaration", "{0}", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV002: a proto3 file extends a message that is not an option. {0} the extension, {1} the message.</summary>
    public static readonly DiagnosticDescriptor Proto3Extension = Variant(
        "GRPCSRV002", "proto3-extension", "Invalid .proto declaration", "extension '{0}' extends '{1}', but a proto3 file may extend only the options messages of google/protobuf/descriptor.proto (to declare custom options)", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV002: an extension number outside the extended message's ranges. {0} the extension, {1} its number, {2} the message, {3} its ranges.</summary>
    public static readonly DiagnosticDescriptor ExtensionNumberOutsideRanges = Variant(
        "GRPCSRV002", "extension-number", "Invalid .proto declaration", "extension '{0}' has number {1}, which message '{2}' does not declare as an extension number (its 'extensions' ranges: {3})", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV002: two extensions of one message in one file with one number. {0} the number, {1} the message, {2} the first extension.</summary>
    public static readonly DiagnosticDescriptor ExtensionNumberUsed = Variant(
        "GRPCSRV002", "extension-number-used", "Invalid .proto declaration", "extension number {0} of message '{1}' is already used by extension '{2}'", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV002: a default on a message field. {0} where the field is.</summary>
    public static readonly DiagnosticDescriptor MessageDefault = Variant(
        "GRPCSRV002", "message-default", "Invalid .proto declaration", "{0} is a message field, so it cannot have a default value", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV002: an enum field's default that is not a value of the enum. {0} where the field is, {1} the enum, {2} its values, {3} the default.</summary>
    public static readonly DiagnosticDescriptor EnumDefault = Variant(
        "GRPCSRV002", "enum-default", "Invalid .proto declaration", "the default value of {0} must be a value of enum '{1}' ({2}), not '{3}'", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV003: an imported file is not among the AdditionalFiles.</summary>
    public static readonly DiagnosticDescriptor ImportNotFound = Variant("GRPCSRV003", null,
        "Imported .proto file not found",
        "import '{0}' not found among the project's .proto files (AdditionalFiles); add it as a Protobuf item or check its ProtoRoot, or types it declares cannot be resolved",
        DiagnosticSeverity.Warning);

    /// <summary>GRPCSRV004: an rpc, a field or an extend names a type that no visible file declares. {0} the name as written, {1} where it is named.</summary>
    public static readonly DiagnosticDescriptor UnknownType = Variant("GRPCSRV004", null, GeneratorTitleUnknownType, "unknown type '{0}' in {1}", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV004: {2} the type, {3} its file, {4} the file that names it without importing it.</summary>
    public static readonly DiagnosticDescriptor UnknownTypeNotImported = Variant("GRPCSRV004", "not-imported", GeneratorTitleUnknownType, "unknown type '{0}' in {1}; '{2}' is declared in '{3}', which '{4}' does not import (add: import \"{3}\";)", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV004: as <see cref="UnknownTypeNotImported"/>, for a file imported with <c>import option</c>.</summary>
    public static readonly DiagnosticDescriptor UnknownTypeImportedForOptions = Variant("GRPCSRV004", "options-import", GeneratorTitleUnknownType, "unknown type '{0}' in {1}; '{2}' is declared in '{3}', which '{4}' imports only for its options (write: import \"{3}\"; to use its types)", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV004: {2} the full name tried, {3} the first part of the name, {4} where that part was found.</summary>
    public static readonly DiagnosticDescriptor UnknownTypeInnerScope = Variant("GRPCSRV004", "inner-scope", GeneratorTitleUnknownType, "unknown type '{0}' in {1}; it resolves to '{2}', which is not declared: '{3}' is found first as '{4}' (write '.{0}' to search from the outermost scope)", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV004: {2} the import that was not found.</summary>
    public static readonly DiagnosticDescriptor UnknownTypeMissingImport = Variant("GRPCSRV004", "missing-import", GeneratorTitleUnknownType, "unknown type '{0}' in {1}; it may be declared in '{2}', which was not found", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV004: {2} the imports that were not found, quoted and separated by commas.</summary>
    public static readonly DiagnosticDescriptor UnknownTypeMissingImports = Variant("GRPCSRV004", "missing-imports", GeneratorTitleUnknownType, "unknown type '{0}' in {1}; it may be declared in {2}, which were not found", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV004: {2} the type, {3} its file, which declares it <c>local</c>.</summary>
    public static readonly DiagnosticDescriptor UnknownTypeLocal = Variant("GRPCSRV004", "local", GeneratorTitleUnknownType, "unknown type '{0}' in {1}; '{2}' is declared 'local' in '{3}', so only that file may use it (declare it 'export' to use it here)", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV004: {2} the type, {3} its file, where it is local by default.</summary>
    public static readonly DiagnosticDescriptor UnknownTypeLocalByDefault = Variant("GRPCSRV004", "local-by-default", GeneratorTitleUnknownType, "unknown type '{0}' in {1}; '{2}' is local to '{3}' by that file's features.default_symbol_visibility (in edition 2024 nested types are local unless declared 'export'); declare it 'export' to use it here", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV004: {2} what the name resolves to, {3} its kind with an article.</summary>
    public static readonly DiagnosticDescriptor UnknownTypeNotAType = Variant("GRPCSRV004", "not-a-type", GeneratorTitleUnknownType, "unknown type '{0}' in {1}; '{2}' is {3}, not a message or enum", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV004: as <see cref="UnknownTypeNotAType"/>, for the message an <c>extend</c> names.</summary>
    public static readonly DiagnosticDescriptor UnknownTypeNotExtendable = Variant("GRPCSRV004", "not-extendable", GeneratorTitleUnknownType, "unknown type '{0}' in {1}; '{2}' is {3}, not a message (only messages can be extended)", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV005: an rpc's request or response is not a message.</summary>
    public static readonly DiagnosticDescriptor RpcTypeNotMessage = Variant("GRPCSRV005", null,
        "Rpc request or response is not a message",
        "the {0} of rpc '{1}' is {2} '{3}', not a message; rpc requests and responses must be messages",
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV006: a name is declared twice in one file. {0} the name, {1} what it was first declared as, {2} that line.</summary>
    public static readonly DiagnosticDescriptor DuplicateName = Variant("GRPCSRV006", null, GeneratorTitleDuplicate, "'{0}' is already declared as {1} at line {2}", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV006: a name another file declares. {2} that file.</summary>
    public static readonly DiagnosticDescriptor DuplicateNameInOtherFile = Variant("GRPCSRV006", "other-file", GeneratorTitleDuplicate, "'{0}' is already declared as {1} in '{2}'", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV007: two services generate one descriptor class. {0} the class, {1} the service, {2} the other service.</summary>
    public static readonly DiagnosticDescriptor GeneratedNameClash = Variant("GRPCSRV007", null, GeneratorTitleClash, "the descriptor class '{0}' for service '{1}' is already generated for service '{2}'; give one of the services another name or its file another csharp_namespace", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV007: a descriptor class named like a message or enum. {2} its kind, {3} its full name, {4} its file.</summary>
    public static readonly DiagnosticDescriptor GeneratedNameClashWithType = Variant("GRPCSRV007", "type", GeneratorTitleClash, "the descriptor class '{0}' for service '{1}' has the name of {2} '{3}' (declared in '{4}'); rename the service or the {2}", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV007: an rpc named like its descriptor class. {0} the rpc, {1} the class.</summary>
    public static readonly DiagnosticDescriptor GeneratedNameClashWithRpc = Variant("GRPCSRV007", "rpc", GeneratorTitleClash, "rpc '{0}' would be a member named like its enclosing class '{1}', which C# does not allow; rename the rpc or the service", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV008: a bug in the generator; the output is incomplete.</summary>
    public static readonly DiagnosticDescriptor InternalError = Variant("GRPCSRV008", null,
        "GrpcServer generator internal error",
        "the GrpcServer generator failed while {0}, so some generated code is missing: {1}",
        DiagnosticSeverity.Error);

    private const string TitleUnknownOption = "Unknown custom option or wrong option value";
    private const string TitleCSharpName = "Name breaks protoc's C# output";

    /// <summary>GRPCSRV009: a custom option whose extension no visible file declares. {0} the option, {1} the extension as written.</summary>
    public static readonly DiagnosticDescriptor UnknownOption = Variant(
        "GRPCSRV009", null, TitleUnknownOption, "option '{0}' is unknown: no extension '{1}' is declared in this file or the files it imports", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV009: {1} the file that declares the option's extension, {2} the file that uses it without importing it.</summary>
    public static readonly DiagnosticDescriptor OptionNotImported = Variant(
        "GRPCSRV009", "not-imported", TitleUnknownOption, "option '{0}' is declared in '{1}', which '{2}' does not import (add: import \"{1}\";)", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV009: {1} what the name resolves to, {2} its kind with an article.</summary>
    public static readonly DiagnosticDescriptor OptionNotAnExtension = Variant(
        "GRPCSRV009", "not-an-extension", TitleUnknownOption, "option '{0}': '{1}' is {2}, not an extension", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV009: {1} the extension, {2} the message it extends, {3} the options message of the element.</summary>
    public static readonly DiagnosticDescriptor OptionOfAnotherElement = Variant(
        "GRPCSRV009", "other-element", TitleUnknownOption, "option '{0}': extension '{1}' extends '{2}', so it is not an option of this element ({3})", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV009: a non-repeated option set twice on one element.</summary>
    public static readonly DiagnosticDescriptor OptionSetTwice = Variant(
        "GRPCSRV009", "set-twice", TitleUnknownOption, "option '{0}' is already set on this element; set it once (only a repeated option may be set again)", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV009: {1} what the type takes, {2} what was written, {3} the extension's type.</summary>
    public static readonly DiagnosticDescriptor OptionValueOfWrongType = Variant(
        "GRPCSRV009", "wrong-value", TitleUnknownOption, "the value of option '{0}' must be {1}, not {2} (the extension is of type {3})", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV009: a field path through an option's message. {1} the message, {2} the missing field.</summary>
    public static readonly DiagnosticDescriptor OptionPathNoField = Variant(
        "GRPCSRV009", "path-no-field", TitleUnknownOption, "option '{0}': message '{1}' has no field '{2}'", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV009: a text-format value. {1} the name it sets, {2} the message.</summary>
    public static readonly DiagnosticDescriptor OptionValueNoField = Variant(
        "GRPCSRV009", "value-no-field", TitleUnknownOption, "the value of option '{0}' sets '{1}', which is not a field of message '{2}'", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV009: a text-format integer out of its field's range. {1} the field, {2} its type, {3} the integer.</summary>
    public static readonly DiagnosticDescriptor OptionValueOutOfRange = Variant(
        "GRPCSRV009", "value-range", TitleUnknownOption, "the value of option '{0}' gives field '{1}' ({2}) the integer {3}, which is out of its range", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV009: a text-format enum value that its enum lacks. {1} the field, {2} the value, {3} the enum.</summary>
    public static readonly DiagnosticDescriptor OptionValueNotInEnum = Variant(
        "GRPCSRV009", "value-enum", TitleUnknownOption, "the value of option '{0}' gives field '{1}' the value '{2}', which enum '{3}' does not declare", DiagnosticSeverity.Error);

    /// <summary>GRPCSRV010: a type named like a C# keyword. {0} message or enum, {1} its full name, {2} the keyword.</summary>
    public static readonly DiagnosticDescriptor ProtocCSharpNameProblem = Variant(
        "GRPCSRV010", null, TitleCSharpName, "{0} '{1}' is named like the C# keyword '{2}', which protoc's C# generator does not escape: the C# it generates for this file will not compile; rename the {0}", DiagnosticSeverity.Warning);

    /// <summary>GRPCSRV010: a type named like the file's reflection class. {2} that class.</summary>
    public static readonly DiagnosticDescriptor ProtocCSharpNameIsReflectionClass = Variant(
        "GRPCSRV010", "reflection-class", TitleCSharpName, "{0} '{1}' has the name of the class protoc's C# generator makes for the file ('{2}'): the C# it generates for this file will not compile; rename the {0} or the file", DiagnosticSeverity.Warning);

    /// <summary>GRPCSRV010: a nested type named Types.</summary>
    public static readonly DiagnosticDescriptor ProtocCSharpNameIsTypes = Variant(
        "GRPCSRV010", "types", TitleCSharpName, "{0} '{1}' is named 'Types', the name of the class protoc's C# generator nests it in: the C# it generates will not compile; rename the {0}", DiagnosticSeverity.Warning);

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byKey = CreateTable();

    /// <summary>The generator's descriptors (one per ID, not the variants), in ID order.</summary>
    public static IReadOnlyCollection<DiagnosticDescriptor> All { get; } = new[]
    {
        ProtoSyntaxError, InvalidProtoDeclaration, ImportNotFound, UnknownType, RpcTypeNotMessage, DuplicateName, GeneratedNameClash,
        InternalError, UnknownOption, ProtocCSharpNameProblem,
    };

    /// <summary>The descriptor a <see cref="DiagnosticInfo"/> names by its key (an ID, or <c>ID:variant</c>).</summary>
    public static DiagnosticDescriptor Get(string key) => s_byKey[key];

    /// <summary>The key of a descriptor, as a <see cref="DiagnosticInfo"/> names it.</summary>
    public static string Key(this DiagnosticDescriptor descriptor)
    {
        foreach (var tag in descriptor.CustomTags)
        {
            if (tag.StartsWith(KeyTag, System.StringComparison.Ordinal))
            {
                return tag.Substring(KeyTag.Length);
            }
        }

        return descriptor.Id;
    }

    private const string KeyTag = "key=";

    /// <summary>A .proto descriptor; <paramref name="variant"/> names another message of an ID (its key is <c>ID:variant</c>).</summary>
    private static DiagnosticDescriptor Variant(string id, string? variant, string title, string messageFormat, DiagnosticSeverity severity) =>
        new(
            id,
            title,
            messageFormat,
            Category,
            severity,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinks.For(id),
            customTags: variant is null ? System.Array.Empty<string>() : new[] { KeyTag + id + ":" + variant });

    private static Dictionary<string, DiagnosticDescriptor> CreateTable()
    {
        var table = new Dictionary<string, DiagnosticDescriptor>(System.StringComparer.Ordinal);
        foreach (var descriptor in new[]
        {
            ProtoSyntaxError, InvalidProtoDeclaration, ImportNotFound, UnknownType, UnknownTypeNotImported, UnknownTypeImportedForOptions,
            UnknownTypeInnerScope, UnknownTypeMissingImport, UnknownTypeMissingImports, UnknownTypeLocal, UnknownTypeLocalByDefault,
            UnknownTypeNotAType, UnknownTypeNotExtendable, RpcTypeNotMessage, DuplicateName, DuplicateNameInOtherFile, GeneratedNameClash,
            GeneratedNameClashWithType, GeneratedNameClashWithRpc, InternalError, UnknownOption, ProtocCSharpNameProblem,
            Proto3Extension, ExtensionNumberOutsideRanges, ExtensionNumberUsed, MessageDefault, EnumDefault, OptionNotImported,
            OptionNotAnExtension, OptionOfAnotherElement, OptionSetTwice, OptionValueOfWrongType, OptionPathNoField, OptionValueNoField,
            OptionValueOutOfRange, OptionValueNotInEnum, ProtocCSharpNameIsReflectionClass, ProtocCSharpNameIsTypes,
        })
        {
            table.Add(descriptor.Key(), descriptor);
        }

        return table;
    }
}
