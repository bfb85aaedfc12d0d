using System.Collections.Generic;

namespace GrpcServer.Generators.Parsing;

// The syntax tree of one .proto file, as written (names are not resolved). Plain mutable
// classes filled in by ProtoParser; the generator turns them into immutable models at once.

/// <summary>A whole .proto file.</summary>
internal sealed class ProtoFileNode
{
    /// <summary><c>proto2</c>, <c>proto3</c>, or <c>null</c> when no syntax statement (protoc then assumes proto2).</summary>
    public string? Syntax { get; set; }

    /// <summary>The edition (e.g. <c>2023</c>) of an editions file, else <c>null</c>.</summary>
    public string? Edition { get; set; }

    /// <summary>The package of the first <c>package</c> statement, or <c>null</c>.</summary>
    public string? Package => Packages.Count > 0 ? Packages[0].Name : null;

    /// <summary>The span of the first package name.</summary>
    public SourceSpan? PackageSpan => Packages.Count > 0 ? Packages[0].NameSpan : null;

    /// <summary>Every <c>package</c> statement, in order (a file may have only one; the validator reports the others).</summary>
    public List<PackageNode> Packages { get; } = new();

    public List<ImportNode> Imports { get; } = new();

    public List<OptionNode> Options { get; } = new();

    public List<MessageNode> Messages { get; } = new();

    public List<EnumNode> Enums { get; } = new();

    public List<ServiceNode> Services { get; } = new();

    public List<ExtendNode> Extends { get; } = new();
}

/// <summary>A <c>package</c> statement: the name, and the span from the keyword to the name.</summary>
internal readonly record struct PackageNode(string Name, SourceSpan NameSpan, SourceSpan StatementSpan);

/// <summary>
/// An integer literal as written, with its sign. The parser reads any literal; whether it fits where it is written
/// (an int32 enum value, a field number) is for the validator to say.
/// </summary>
/// <param name="Text">The literal as written, with a leading <c>-</c> when negative.</param>
/// <param name="Negative">Whether a <c>-</c> precedes it.</param>
/// <param name="Magnitude">The value without its sign, when <paramref name="TooLarge"/> is false.</param>
/// <param name="TooLarge">Whether the digits do not fit 64 bits.</param>
/// <param name="Span">From the sign (if any) to the last digit.</param>
internal readonly record struct IntegerLiteral(string Text, bool Negative, ulong Magnitude, bool TooLarge, SourceSpan Span)
{
    /// <summary>Whether the value lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public bool Fits(long min, long max) => !TooLarge && Value >= min && Value <= max;

    private decimal Value => Negative ? -(decimal)Magnitude : Magnitude;

    /// <summary>The value, or the nearer of <paramref name="min"/> and <paramref name="max"/> when it does not fit 64 bits or the range.</summary>
    public long Clamp(long min, long max)
    {
        if (TooLarge)
        {
            return Negative ? min : max;
        }

        return Value < min ? min : Value > max ? max : (long)Value;
    }
}

internal enum ImportKind
{
    Plain,
    Public,
    Weak,
    /// <summary><c>import option "x.proto";</c> (edition 2024): only its options are used.</summary>
    Option,
}

internal sealed class ImportNode
{
    public ImportNode(string path, ImportKind kind, SourceSpan span)
    {
        Path = path;
        Kind = kind;
        Span = span;
    }

    public string Path { get; }

    public ImportKind Kind { get; }

    /// <summary>The span of the path string.</summary>
    public SourceSpan Span { get; }
}

internal enum OptionValueKind
{
    Identifier,
    Integer,
    Float,
    String,
    Aggregate,
}

/// <summary>
/// An option: <c>option java_package = "x";</c>, <c>[deprecated = true]</c>, or a custom one
/// such as <c>(my.ext).field = { a: 1 }</c>. <see cref="Name"/> is normalised: parts joined by
/// <c>.</c>, extension parts in parentheses without spaces.
/// </summary>
internal sealed class OptionNode
{
    public OptionNode(string name, OptionValueKind kind, string value, SourceSpan span)
    {
        Name = name;
        Kind = kind;
        Value = value;
        Span = span;
    }

    public string Name { get; }

    public OptionValueKind Kind { get; }

    /// <summary>The value: decoded for strings, signed text for numbers, raw text for aggregates.</summary>
    public string Value { get; }

    public SourceSpan Span { get; }
}

internal enum FieldLabel
{
    None,
    Optional,
    Required,
    Repeated,
}

internal sealed class FieldNode
{
    public FieldLabel Label { get; set; }

    public SourceSpan LabelSpan { get; set; }

    /// <summary>The type as written (<c>string</c>, <c>Foo.Bar</c>, <c>.pkg.Foo</c>); for maps <c>map&lt;K,V&gt;</c>; for groups the group name.</summary>
    public string TypeName { get; set; } = string.Empty;

    public SourceSpan TypeSpan { get; set; }

    public string Name { get; set; } = string.Empty;

    public SourceSpan NameSpan { get; set; }

    /// <summary>The field number (clamped to 64 bits), or <c>0</c> when it could not be read.</summary>
    public long Number { get; set; }

    public SourceSpan NumberSpan { get; set; }

    /// <summary>The number as written.</summary>
    public IntegerLiteral NumberLiteral { get; set; }

    /// <summary>Whether the field is declared in a <c>oneof</c>.</summary>
    public bool InOneof { get; set; }

    public string? MapKeyType { get; set; }

    public string? MapValueType { get; set; }

    /// <summary>For a group field, the message the group declares.</summary>
    public MessageNode? Group { get; set; }

    public List<OptionNode> Options { get; } = new();

    public string? Comment { get; set; }
}

internal sealed class OneofNode
{
    public OneofNode(string name, SourceSpan nameSpan)
    {
        Name = name;
        NameSpan = nameSpan;
    }

    public string Name { get; }

    public SourceSpan NameSpan { get; }

    public List<FieldNode> Fields { get; } = new();

    public List<OptionNode> Options { get; } = new();
}

/// <summary>
/// A range <c>from to to</c> (inclusive) of field numbers or enum values, clamped to what the context allows
/// (<c>max</c> is its largest value); <paramref name="FromLiteral"/> and <paramref name="ToLiteral"/> are the
/// numbers as written (<paramref name="ToLiteral"/> is <c>null</c> for a single number or <c>max</c>).
/// </summary>
internal readonly record struct NumberRange(long From, long To, SourceSpan Span, IntegerLiteral FromLiteral = default, IntegerLiteral? ToLiteral = null);

internal sealed class ExtendNode
{
    public ExtendNode(string extendee, SourceSpan extendeeSpan)
    {
        Extendee = extendee;
        ExtendeeSpan = extendeeSpan;
    }

    public string Extendee { get; }

    public SourceSpan ExtendeeSpan { get; }

    public List<FieldNode> Fields { get; } = new();

    /// <summary>The messages declared by group fields of the block; they belong to the scope of the <c>extend</c>.</summary>
    public List<MessageNode> Groups { get; } = new();
}

/// <summary>The edition 2024 visibility modifier written before a message or enum.</summary>
internal enum VisibilityModifier
{
    /// <summary>None written: the file's <c>features.default_symbol_visibility</c> applies.</summary>
    None,
    /// <summary><c>export</c>: other files may use the type.</summary>
    Export,
    /// <summary><c>local</c>: only its own file may use the type.</summary>
    Local,
}

internal sealed class MessageNode
{
    public MessageNode(string name, SourceSpan nameSpan)
    {
        Name = name;
        NameSpan = nameSpan;
    }

    public string Name { get; }

    public SourceSpan NameSpan { get; }

    /// <summary>The <c>export</c> or <c>local</c> modifier written before the declaration (edition 2024).</summary>
    public VisibilityModifier Visibility { get; set; }

    /// <summary>The span of the modifier, when written.</summary>
    public SourceSpan VisibilitySpan { get; set; }

    public string? Comment { get; set; }

    public List<FieldNode> Fields { get; } = new();

    public List<OneofNode> Oneofs { get; } = new();

    public List<MessageNode> Messages { get; } = new();

    public List<EnumNode> Enums { get; } = new();

    public List<ExtendNode> Extends { get; } = new();

    public List<NumberRange> ExtensionRanges { get; } = new();

    /// <summary>The options written after extension ranges (<c>extensions 1 to 9 [declaration = {...}];</c>): <c>ExtensionRangeOptions</c>.</summary>
    public List<OptionNode> ExtensionRangeOptions { get; } = new();

    public List<NumberRange> ReservedRanges { get; } = new();

    public List<string> ReservedNames { get; } = new();

    public List<OptionNode> Options { get; } = new();
}

internal sealed class EnumValueNode
{
    public EnumValueNode(string name, SourceSpan nameSpan, IntegerLiteral number)
    {
        Name = name;
        NameSpan = nameSpan;
        NumberLiteral = number;
        Number = number.Clamp(int.MinValue, int.MaxValue);
        NumberSpan = number.Span;
    }

    public string Name { get; }

    public SourceSpan NameSpan { get; }

    /// <summary>The number, clamped to the int32 range.</summary>
    public long Number { get; }

    public SourceSpan NumberSpan { get; }

    /// <summary>The number as written.</summary>
    public IntegerLiteral NumberLiteral { get; }

    public List<OptionNode> Options { get; } = new();
}

internal sealed class EnumNode
{
    public EnumNode(string name, SourceSpan nameSpan)
    {
        Name = name;
        NameSpan = nameSpan;
    }

    public string Name { get; }

    public SourceSpan NameSpan { get; }

    /// <summary>The <c>export</c> or <c>local</c> modifier written before the declaration (edition 2024).</summary>
    public VisibilityModifier Visibility { get; set; }

    /// <summary>The span of the modifier, when written.</summary>
    public SourceSpan VisibilitySpan { get; set; }

    public string? Comment { get; set; }

    public List<EnumValueNode> Values { get; } = new();

    public List<NumberRange> ReservedRanges { get; } = new();

    public List<string> ReservedNames { get; } = new();

    public List<OptionNode> Options { get; } = new();
}

internal sealed class ServiceNode
{
    public ServiceNode(string name, SourceSpan nameSpan)
    {
        Name = name;
        NameSpan = nameSpan;
    }

    public string Name { get; }

    public SourceSpan NameSpan { get; }

    public string? Comment { get; set; }

    public List<RpcNode> Rpcs { get; } = new();

    public List<OptionNode> Options { get; } = new();
}

/// <summary>The request or response of an rpc: a message type name as written, maybe streamed.</summary>
internal sealed class RpcTypeNode
{
    public RpcTypeNode(string name, SourceSpan span, bool streaming)
    {
        Name = name;
        Span = span;
        Streaming = streaming;
    }

    public string Name { get; }

    public SourceSpan Span { get; }

    public bool Streaming { get; }
}

internal sealed class RpcNode
{
    public RpcNode(string name, SourceSpan nameSpan, RpcTypeNode request, RpcTypeNode response)
    {
        Name = name;
        NameSpan = nameSpan;
        Request = request;
        Response = response;
    }

    public string Name { get; }

    public SourceSpan NameSpan { get; }

    public RpcTypeNode Request { get; }

    public RpcTypeNode Response { get; }

    public string? Comment { get; set; }

    public List<OptionNode> Options { get; } = new();
}
