using System.Collections.Generic;
using System.Globalization;

namespace GrpcServer.Generators.Parsing;

/// <summary>
/// The rules of the .proto language that the grammar alone does not enforce within one file, checked as
/// protoc checks them, per syntax (proto2, proto3) or edition: the package statement, labels, groups,
/// defaults, map keys, the ranges of integer literals, field and enum numbers, reserved numbers and
/// names. Problems are <see cref="ProtoErrorKind.Semantic"/> errors; nothing is thrown. Rules that need
/// other files (imports, names across files) are the resolver's.
/// </summary>
internal static partial class ProtoValidator
{
    private enum Dialect
    {
        Proto2,
        Proto3,
        Editions,
    }

    private static readonly HashSet<string> s_mapKeyTypes = new(System.StringComparer.Ordinal)
    {
        "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string",
    };

    /// <summary>The rule violations of a parsed file, in text order.</summary>
    public static IReadOnlyList<ProtoError> Validate(ProtoFileNode file) => Validate(file, ProtoDeclarations.Of(file));

    /// <summary>The rule violations of a parsed file whose declarations (<see cref="ProtoDeclarations.Of"/>) the caller has listed.</summary>
    public static IReadOnlyList<ProtoError> Validate(ProtoFileNode file, List<Declaration> declarations)
    {
        var errors = new List<ProtoError>();
        Validate(file, declarations, errors);
        return ProtoError.SortByPosition(errors);
    }

    private static void Validate(ProtoFileNode file, List<Declaration> declarations, List<ProtoError> errors)
    {
        var dialect = file.Edition is not null ? Dialect.Editions : file.Syntax == "proto3" ? Dialect.Proto3 : Dialect.Proto2;
        var validator = new Context(dialect, IsClosedEnumFeature(file.Options) ?? false, SupportsVisibility(file), Describe(file), errors) { File = file };
        validator.FileRules(file);
        validator.FileNames(file);
        var firstDeclarations = new Dictionary<string, Declaration>(System.StringComparer.Ordinal);
        foreach (var declaration in declarations)
        {
            if (firstDeclarations.TryGetValue(declaration.FullName, out var first))
            {
                errors.Add(new ProtoError(ProtoErrorKind.DuplicateName, declaration.FullName, declaration.Span, (first.What, first.Span.Start.Line + 1)));
            }
            else
            {
                firstDeclarations.Add(declaration.FullName, declaration);
            }
        }

        for (var i = 1; i < file.Packages.Count; i++)
        {
            errors.Add(new ProtoError(ProtoErrorKind.Semantic, $"the file already declares package '{file.Packages[0].Name}'; a file has at most one package statement", file.Packages[i].StatementSpan));
        }

        foreach (var message in file.Messages)
        {
            validator.Message(message);
        }

        foreach (var @enum in file.Enums)
        {
            validator.Enum(@enum);
        }

        foreach (var extend in file.Extends)
        {
            validator.Extend(extend);
        }
    }

    /// <summary>Whether the file's edition has <c>export</c> and <c>local</c> (2024 and later).</summary>
    internal static bool SupportsVisibility(ProtoFileNode file) =>
        file.Edition is not null && string.CompareOrdinal(file.Edition, "2024") >= 0;

    private static string Describe(ProtoFileNode file) =>
        file.Edition is not null ? "edition " + file.Edition : file.Syntax ?? "proto2 (no syntax statement)";

    /// <summary>The <c>features.enum_type</c> set among <paramref name="options"/>: <c>true</c> for CLOSED, <c>false</c> for OPEN, <c>null</c> when not set.</summary>
    private static bool? IsClosedEnumFeature(List<OptionNode> options)
    {
        bool? closed = null;
        foreach (var option in options)
        {
            if (option.Name == "features.enum_type" && option.Kind == OptionValueKind.Identifier)
            {
                closed = option.Value == "CLOSED";
            }
        }

        return closed;
    }

    private sealed partial class Context
    {
        private readonly Dialect _dialect;
        private readonly bool _enumsClosedByDefault;
        private readonly bool _supportsVisibility;
        private readonly string _fileKind;
        private readonly List<ProtoError> _errors;

        public ProtoFileNode File { get; init; } = new();

        public Context(Dialect dialect, bool enumsClosedByDefault, bool supportsVisibility, string fileKind, List<ProtoError> errors)
        {
            _dialect = dialect;
            _enumsClosedByDefault = enumsClosedByDefault;
            _supportsVisibility = supportsVisibility;
            _fileKind = fileKind;
            _errors = errors;
        }

        private void Visibility(VisibilityModifier visibility, SourceSpan span)
        {
            if (visibility != VisibilityModifier.None && !_supportsVisibility)
            {
                Error($"the visibility modifier '{(visibility == VisibilityModifier.Export ? "export" : "local")}' needs edition 2024 or later; this file is {_fileKind}", span);
            }
        }

        public void Message(MessageNode message)
        {
            var outerNames = EnterNames("message", message.Name, message.Options, message.NameSpan);
            foreach (var oneof in message.Oneofs)
            {
                SnakeName("oneof", oneof.Name, oneof.Options, oneof.NameSpan, upper: false);
            }

            MessageRules(message);
            ExitNames(outerNames);
        }

        private void MessageRules(MessageNode message)
        {
            Visibility(message.Visibility, message.VisibilitySpan);
            Ranges(message.ReservedRanges, "reserved", ProtoParser.MaxFieldNumber);
            Ranges(message.ExtensionRanges, "extensions", ProtoParser.MaxFieldNumber, message.ReservedRanges, "reserved");
            Options(message.Options, OptionTarget.Message);
            Options(message.ExtensionRangeOptions, OptionTarget.ExtensionRange);
            foreach (var oneof in message.Oneofs)
            {
                Options(oneof.Options, OptionTarget.Oneof);
            }

            JsonNames(message);
            var numbers = new Dictionary<long, FieldNode>();
            foreach (var field in message.Fields)
            {
                Field(field, inOneof: field.InOneof, extension: false);
                if (field.Number < 1)
                {
                    continue;
                }

                if (numbers.TryGetValue(field.Number, out var first))
                {
                    Error($"field number {Invariant(field.Number)} of '{field.Name}' is already used by field '{first.Name}' in message '{message.Name}'", field.NumberSpan);
                }
                else
                {
                    numbers.Add(field.Number, field);
                }

                foreach (var range in message.ReservedRanges)
                {
                    if (field.Number >= range.From && field.Number <= range.To)
                    {
                        Error($"field '{field.Name}' uses number {Invariant(field.Number)}, which message '{message.Name}' reserves", field.NumberSpan);
                    }
                }

                foreach (var range in message.ExtensionRanges)
                {
                    if (field.Number >= range.From && field.Number <= range.To)
                    {
                        Error($"field '{field.Name}' uses number {Invariant(field.Number)}, which is in an extension range of message '{message.Name}'", field.NumberSpan);
                    }
                }

                if (message.ReservedNames.Contains(field.Name))
                {
                    Error($"field name '{field.Name}' is reserved in message '{message.Name}'", field.NameSpan);
                }
            }

            if (_dialect == Dialect.Proto3 && message.ExtensionRanges.Count > 0)
            {
                Error($"extension ranges are not allowed in proto3 (message '{message.Name}')", message.ExtensionRanges[0].Span);
            }

            foreach (var nested in message.Messages)
            {
                Message(nested);
            }

            foreach (var @enum in message.Enums)
            {
                Enum(@enum);
            }

            foreach (var extend in message.Extends)
            {
                Extend(extend);
            }
        }

        public void Extend(ExtendNode extend)
        {
            foreach (var field in extend.Fields)
            {
                Field(field, inOneof: false, extension: true);
            }

            foreach (var group in extend.Groups)
            {
                Message(group);
            }
        }

        /// <summary>
        /// The integer literals of ranges (each within [-max - 1, max]), ranges that end before they start, field number
        /// ranges below 1, and ranges that overlap a range before them (of <paramref name="earlier"/> too).
        /// </summary>
        private void Ranges(List<NumberRange> ranges, string what, long max, List<NumberRange>? earlier = null, string? earlierWhat = null)
        {
            for (var i = 0; i < ranges.Count; i++)
            {
                var range = ranges[i];
                if (max == ProtoParser.MaxFieldNumber && range.From < 1)
                {
                    Error($"{what} numbers must be positive integers, not {Invariant(range.From)}", range.Span);
                    continue;
                }

                if (range.To >= range.From)
                {
                    bool Overlaps(NumberRange r) => r.To >= r.From && r.From <= range.To && range.From <= r.To;
                    var overlap = ranges.FindIndex(0, i, Overlaps);
                    var earlierOverlap = overlap < 0 && earlier is not null ? earlier.FindIndex(Overlaps) : -1;
                    if (overlap >= 0 || earlierOverlap >= 0)
                    {
                        var other = overlap >= 0 ? ranges[overlap] : earlier![earlierOverlap];
                        Error($"the {what} range {Describe(range)} overlaps the {(overlap >= 0 ? what : earlierWhat)} range {Describe(other)}", range.Span);
                    }
                }

                Integer(range.FromLiteral, -max - 1, max);
                if (range.ToLiteral is { } to)
                {
                    Integer(to, -max - 1, max);
                }

                if (range.To < range.From)
                {
                    Error($"the {what} range {Invariant(range.From)} to {Invariant(range.To)} is empty: the end is less than the start", range.Span);
                }
            }
        }

        /// <summary>Reports an integer literal that does not fit 64 bits or [<paramref name="min"/>, <paramref name="max"/>].</summary>
        private void Integer(IntegerLiteral literal, long min, long max)
        {
            if (literal.TooLarge)
            {
                Error($"integer '{literal.Text.TrimStart('-')}' is too large", literal.Span);
            }
            else if (!literal.Fits(min, max))
            {
                Error($"integer '{literal.Text}' is out of range [{Invariant(min)}, {Invariant(max)}]", literal.Span);
            }
        }

        private void FieldNumber(FieldNode field)
        {
            var what = field.Group is not null ? $"group '{field.TypeName}'" : $"field '{field.Name}'";
            Integer(field.NumberLiteral, long.MinValue, long.MaxValue);
            if (field.Number < 1 || field.Number > ProtoParser.MaxFieldNumber)
            {
                Error($"the number of {what} must be between 1 and {Invariant(ProtoParser.MaxFieldNumber)}, not {Invariant(field.Number)}", field.NumberSpan);
            }
            else if (field.Number is >= 19_000 and <= 19_999)
            {
                Error($"the number of {what} is {Invariant(field.Number)}; numbers 19000 to 19999 are reserved for the protobuf implementation", field.NumberSpan);
            }
        }

        private void Field(FieldNode field, bool inOneof, bool extension)
        {
            var isMap = field.MapKeyType is not null;
            if (field.Group is null)
            {
                SnakeName("field", field.Name, field.Options, field.NameSpan, upper: false);
            }

            FieldNumber(field);
            Options(field.Options, OptionTarget.Field);
            FieldOptions(field, extension);
            if (field.Label != FieldLabel.None && inOneof)
            {
                Error($"fields in a oneof take no label; remove '{LabelText(field.Label)}'", field.LabelSpan);
            }

            if (field.Label != FieldLabel.None && isMap)
            {
                Error("map fields take no label (they are always repeated)", field.LabelSpan);
            }

            if (field.Group is not null && !(field.TypeName[0] is >= 'A' and <= 'Z'))
            {
                Error($"group name '{field.TypeName}' must start with a capital letter", field.TypeSpan);
            }
            switch (_dialect)
            {
                case Dialect.Proto2:
                    if (field.Label == FieldLabel.None && !inOneof && !isMap)
                    {
                        Error($"field '{field.Name}' needs a label in proto2: 'optional', 'required' or 'repeated'", field.TypeSpan);
                    }

                    break;
                case Dialect.Proto3:
                    if (field.Label == FieldLabel.Required)
                    {
                        Error($"required fields are not allowed in proto3 (field '{field.Name}')", field.LabelSpan);
                    }

                    if (field.Group is not null)
                    {
                        Error($"groups are not allowed in proto3; use a nested message for '{field.TypeName}'", field.TypeSpan);
                    }

                    foreach (var option in field.Options)
                    {
                        if (option.Name == "default")
                        {
                            Error($"explicit default values are not allowed in proto3 (field '{field.Name}')", option.Span);
                        }
                    }

                    break;
                default:
                    if (field.Label is FieldLabel.Optional or FieldLabel.Required)
                    {
                        Error($"the label '{(field.Label == FieldLabel.Optional ? "optional" : "required")}' is not allowed in editions (field '{field.Name}'); use features.field_presence", field.LabelSpan);
                    }

                    if (field.Group is not null)
                    {
                        Error($"groups are not allowed in editions; use a message field with features.message_encoding = DELIMITED for '{field.TypeName}'", field.TypeSpan);
                    }

                    break;
            }

            if (isMap)
            {
                if (!s_mapKeyTypes.Contains(field.MapKeyType!))
                {
                    Error($"the key type of map field '{field.Name}' must be an integer type, bool or string, not '{field.MapKeyType}'", field.TypeSpan);
                }

                if (inOneof || extension)
                {
                    Error($"map field '{field.Name}' cannot be {(inOneof ? "in a oneof" : "an extension")}", field.TypeSpan);
                }
            }

            if (field.Group is not null)
            {
                Message(field.Group);
            }
        }

        public void Enum(EnumNode @enum)
        {
            var outerNames = EnterNames("enum", @enum.Name, @enum.Options, @enum.NameSpan);
            foreach (var value in @enum.Values)
            {
                SnakeName("enum value", value.Name, value.Options, value.NameSpan, upper: true);
            }

            EnumRules(@enum);
            ExitNames(outerNames);
        }

        private void EnumRules(EnumNode @enum)
        {
            Visibility(@enum.Visibility, @enum.VisibilitySpan);
            Ranges(@enum.ReservedRanges, "reserved", int.MaxValue);
            Options(@enum.Options, OptionTarget.Enum);
            foreach (var value in @enum.Values)
            {
                Integer(value.NumberLiteral, int.MinValue, int.MaxValue);
                Options(value.Options, OptionTarget.EnumValue);
            }

            if (@enum.Values.Count == 0)
            {
                Error($"enum '{@enum.Name}' must declare at least one value", @enum.NameSpan);
                return;
            }

            if (_dialect == Dialect.Proto3 && @enum.Values[0].Number != 0)
            {
                Error($"the first value of enum '{@enum.Name}' must be 0 in proto3, so that it is the default", @enum.Values[0].NumberSpan);
            }
            else if (_dialect == Dialect.Editions && @enum.Values[0].Number != 0 && !(IsClosedEnumFeature(@enum.Options) ?? _enumsClosedByDefault))
            {
                // Editions: only open enums (the default) need 0 first; a closed enum is like a proto2 enum.
                Error($"the first value of open enum '{@enum.Name}' must be 0 in editions, so that it is the default (or close the enum: option features.enum_type = CLOSED;)", @enum.Values[0].NumberSpan);
            }

            var allowAlias = @enum.Options.Exists(o => o.Name == "allow_alias" && o.Value == "true");
            var aliases = 0;
            var numbers = new Dictionary<long, EnumValueNode>();
            foreach (var value in @enum.Values)
            {
                if (numbers.TryGetValue(value.Number, out var first))
                {
                    aliases++;
                    if (!allowAlias)
                    {
                        Error($"enum value '{value.Name}' has number {Invariant(value.Number)}, already used by '{first.Name}'; set 'option allow_alias = true;' in enum '{@enum.Name}' to allow aliases", value.NumberSpan);
                    }
                }
                else
                {
                    numbers.Add(value.Number, value);
                }

                foreach (var range in @enum.ReservedRanges)
                {
                    if (value.Number >= range.From && value.Number <= range.To)
                    {
                        Error($"enum value '{value.Name}' uses number {Invariant(value.Number)}, which enum '{@enum.Name}' reserves", value.NumberSpan);
                    }
                }

                if (@enum.ReservedNames.Contains(value.Name))
                {
                    Error($"enum value name '{value.Name}' is reserved in enum '{@enum.Name}'", value.NameSpan);
                }
            }

            if (allowAlias && aliases == 0)
            {
                Error($"enum '{@enum.Name}' sets 'option allow_alias = true;' but no two of its values share a number; remove the option", @enum.NameSpan);
            }
        }

        private void Error(string message, SourceSpan span) => _errors.Add(new ProtoError(ProtoErrorKind.Semantic, message, span));

        private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Describe(NumberRange range) =>
            range.From == range.To ? Invariant(range.From) : Invariant(range.From) + " to " + (range.To == ProtoParser.MaxFieldNumber || range.To == int.MaxValue ? "max" : Invariant(range.To));

        private static string LabelText(FieldLabel label) => label switch
        {
            FieldLabel.Optional => "optional",
            FieldLabel.Required => "required",
            _ => "repeated",
        };
    }
}
