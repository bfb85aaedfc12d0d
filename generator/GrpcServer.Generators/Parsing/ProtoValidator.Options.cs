using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace GrpcServer.Generators.Parsing;

internal static partial class ProtoValidator
{
    /// <summary>Splits a normalised option name at the dots outside parentheses: <c>(a.b).c</c> gives <c>(a.b)</c>, <c>c</c>.</summary>
    internal static List<string> SplitOptionName(string name)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < name.Length; i++)
        {
            switch (name[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case '.' when depth == 0:
                    parts.Add(name.Substring(start, i - start));
                    start = i + 1;
                    break;
            }
        }

        parts.Add(name.Substring(start));
        return parts;
    }

    /// <summary>protoc's <c>ToJsonName</c>: <c>foo_bar</c> to <c>fooBar</c> (an underscore capitalises the next letter and goes).</summary>
    internal static string ToJsonName(string name)
    {
        var builder = new StringBuilder(name.Length);
        var capitalizeNext = false;
        foreach (var c in name)
        {
            if (c == '_')
            {
                capitalizeNext = true;
            }
            else
            {
                builder.Append(capitalizeNext && c is >= 'a' and <= 'z' ? (char)(c - 'a' + 'A') : c);
                capitalizeNext = false;
            }
        }

        return builder.ToString();
    }

    private sealed partial class Context
    {
        /// <summary>The rules of the file's own statements: its options, imports, services and rpcs.</summary>
        public void FileRules(ProtoFileNode file)
        {
            Options(file.Options, OptionTarget.File);
            var imports = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var import in file.Imports)
            {
                if (!imports.Add(import.Path))
                {
                    Error($"import \"{import.Path}\" is listed twice; remove one", import.Span);
                }
            }

            foreach (var service in file.Services)
            {
                Options(service.Options, OptionTarget.Service);
                foreach (var rpc in service.Rpcs)
                {
                    Options(rpc.Options, OptionTarget.Method);
                }
            }
        }

        /// <summary>
        /// The built-in options (descriptor.proto's, features among them) written on one element: the name must be an
        /// option of that element and the value of its type. Custom options, <c>(my.option)</c>, are the resolver's.
        /// </summary>
        public void Options(List<OptionNode> options, OptionTarget target)
        {
            if (options.Count == 0)
            {
                return;
            }

            // Most options have a plain name ('deprecated', 'json_name'): no list of parts is made for them.
            HashSet<string>? set = options.Count > 1 ? new HashSet<string>(System.StringComparer.Ordinal) : null;
            foreach (var option in options)
            {
                var plain = option.Name.IndexOf('.') < 0 && option.Name.IndexOf('(') < 0;
                var parts = plain ? null : SplitOptionName(option.Name);
                var custom = !plain && (parts![0].StartsWith("(", System.StringComparison.Ordinal) || (parts.Count > 1 && parts[1].StartsWith("(", System.StringComparison.Ordinal)));
                if (set is not null && !custom && option.Name is not ("targets" or "edition_defaults" or "declaration" or "uninterpreted_option") && !set.Add(option.Name))
                {
                    Error($"option '{option.Name}' is already set on this {BuiltInOptions.ElementName(target)}; set it once", option.Span);
                    continue;
                }

                parts ??= new List<string>(1) { option.Name };

                if (parts[0] == "features")
                {
                    FeatureOption(option, parts, target);
                    continue;
                }

                if (parts[0].StartsWith("(", System.StringComparison.Ordinal) ||
                    (target == OptionTarget.Field && parts.Count == 1 && parts[0] is "default" or "json_name"))
                {
                    continue;
                }

                var builtIn = BuiltInOptions.Find(target, parts[0]);
                var qualified = BuiltInOptions.MessageName(target) + "." + parts[0];
                if (builtIn is null)
                {
                    Error($"option '{parts[0]}' is unknown on a {BuiltInOptions.ElementName(target)}: {BuiltInOptions.MessageName(target)} has no field '{parts[0]}' (a custom option is written in parentheses and needs the import that declares it)", option.Span);
                }
                else if (builtIn.Name == "uninterpreted_option")
                {
                    Error("option 'uninterpreted_option' is reserved for protoc's own use", option.Span);
                }
                else if (builtIn.Name == "map_entry")
                {
                    Error("option 'map_entry' must not be set; declare a map field (map<KeyType, ValueType>) instead", option.Span);
                }
                else if (parts.Count > 1)
                {
                    if (builtIn.Type != BuiltInOptionType.Message)
                    {
                        Error($"option '{option.Name}': '{qualified}' is not a message, so it has no field '{parts[1]}'", option.Span);
                    }
                }
                else
                {
                    Value(option, builtIn.Type, qualified, builtIn.EnumType, builtIn.EnumValues);
                }
            }
        }

        /// <summary>Checks a value against a built-in option's type, as protoc's option interpreter does.</summary>
        private void Value(OptionNode option, BuiltInOptionType type, string qualified, string? enumType, string[] enumValues)
        {
            switch (type)
            {
                case BuiltInOptionType.Bool when !(option.Kind == OptionValueKind.Identifier && option.Value is "true" or "false"):
                    Error($"the value of boolean option '{qualified}' must be true or false, not {Describe(option)}", option.Span);
                    break;
                case BuiltInOptionType.String when option.Kind != OptionValueKind.String:
                    Error($"the value of string option '{qualified}' must be a quoted string, not {Describe(option)}", option.Span);
                    break;
                case BuiltInOptionType.Enum when option.Kind != OptionValueKind.Identifier || System.Array.IndexOf(enumValues, option.Value) < 0:
                    Error($"the value of option '{qualified}' must be a value of enum '{enumType}' ({string.Join(", ", enumValues)}), not {Describe(option)}", option.Span);
                    break;
                case BuiltInOptionType.Message when option.Kind != OptionValueKind.Aggregate:
                    Error($"option '{qualified}' is a message: set it whole with {{ ... }} or set a field of it (option {option.Name}.field = value), not {Describe(option)}", option.Span);
                    break;
            }
        }

        private static string Describe(OptionNode option) => option.Kind switch
        {
            OptionValueKind.String => "a string",
            OptionValueKind.Aggregate => "a message value",
            OptionValueKind.Integer or OptionValueKind.Float => "the number " + option.Value,
            _ => "'" + option.Value + "'",
        };

        /// <summary>
        /// <c>features.x = V</c>: only in editions, only a feature of <c>google.protobuf.FeatureSet</c> that exists in the
        /// file's edition and applies to the element, and only one of the feature's known values.
        /// </summary>
        private void FeatureOption(OptionNode option, List<string> parts, OptionTarget target)
        {
            if (_dialect != Dialect.Editions)
            {
                Error($"features are only valid in editions files; this file is {_fileKind} (remove option '{option.Name}')", option.Span);
                return;
            }

            if (parts.Count == 1)
            {
                if (option.Kind != OptionValueKind.Aggregate)
                {
                    Error($"option 'features' is a message: set a feature (option features.field_presence = EXPLICIT) or the whole set with {{ ... }}, not {Describe(option)}", option.Span);
                }

                return;
            }

            if (parts[1].StartsWith("(", System.StringComparison.Ordinal))
            {
                return;
            }

            var feature = BuiltInOptions.FindFeature(parts[1]);
            if (feature is null)
            {
                Error($"option '{option.Name}' is unknown: google.protobuf.FeatureSet has no feature '{parts[1]}'", option.Span);
                return;
            }

            if (parts.Count > 2)
            {
                Error($"option '{option.Name}': feature '{feature.Name}' is an enum, so it has no field '{parts[2]}'", option.Span);
                return;
            }

            var index = option.Kind == OptionValueKind.Identifier ? System.Array.IndexOf(feature.Values, option.Value) : -1;
            if (index <= 0)
            {
                Error($"the value of feature '{feature.Name}' must be one of {string.Join(", ", feature.Values, 1, feature.Values.Length - 1)}, not {Describe(option)}", option.Span);
            }
            else if (System.Array.IndexOf(feature.Targets, target) < 0)
            {
                Error($"feature '{feature.Name}' cannot be set on a {BuiltInOptions.ElementName(target)}", option.Span);
            }
            else if (int.TryParse(File.Edition, NumberStyles.None, CultureInfo.InvariantCulture, out var edition) && edition < feature.EditionIntroduced)
            {
                Error($"feature '{feature.Name}' needs edition {feature.EditionIntroduced.ToString(CultureInfo.InvariantCulture)} or later; this file is {_fileKind}", option.Span);
            }
        }

        /// <summary>The value of feature <paramref name="name"/> set directly among <paramref name="options"/>, or <c>null</c>.</summary>
        private static string? FeatureValue(List<OptionNode> options, string name)
        {
            string? value = null;
            foreach (var option in options)
            {
                if (option.Kind == OptionValueKind.Identifier && option.Name == "features." + name)
                {
                    value = option.Value;
                }
            }

            return value;
        }

        /// <summary>A field's <c>default</c> and <c>json_name</c>, and the features that depend on its label and type.</summary>
        public void FieldOptions(FieldNode field, bool extension)
        {
            var repeated = field.Label == FieldLabel.Repeated || field.MapKeyType is not null;
            var scalar = ProtoParser.IsScalarType(field.TypeName) && field.MapKeyType is null && field.Group is null;
            foreach (var option in field.Options)
            {
                if (option.Name == "json_name")
                {
                    if (extension)
                    {
                        Error($"option json_name is not allowed on extension '{field.Name}' (extensions have no JSON name of their own)", option.Span);
                    }
                    else if (option.Kind != OptionValueKind.String)
                    {
                        Error($"the json_name of field '{field.Name}' must be a quoted string, not {Describe(option)}", option.Span);
                    }
                    else if (option.Value.StartsWith("[", System.StringComparison.Ordinal) && option.Value.EndsWith("]", System.StringComparison.Ordinal))
                    {
                        Error($"the json_name \"{option.Value}\" of field '{field.Name}' may not start with '[' and end with ']' (that is how JSON names extensions)", option.Span);
                    }
                }
                else if (option.Name == "default" && _dialect != Dialect.Proto3)
                {
                    Default(field, option, repeated, scalar);
                }
            }

            if (_dialect != Dialect.Editions)
            {
                return;
            }

            var presence = FeatureValue(field.Options, "field_presence");
            if (presence is not null)
            {
                if (repeated)
                {
                    Error($"repeated field '{field.Name}' cannot set features.field_presence (a repeated field has no presence)", field.NameSpan);
                }
                else if (field.InOneof)
                {
                    Error($"field '{field.Name}' of a oneof cannot set features.field_presence (a oneof field always has presence)", field.NameSpan);
                }
                else if (extension)
                {
                    Error($"extension '{field.Name}' cannot set features.field_presence (an extension always has presence)", field.NameSpan);
                }
                else if (presence == "IMPLICIT" && field.Group is not null)
                {
                    Error($"message field '{field.Name}' cannot have implicit presence", field.NameSpan);
                }
            }

            if (FeatureValue(field.Options, "repeated_field_encoding") is not null && (!repeated || field.MapKeyType is not null || field.Group is not null || field.TypeName is "string" or "bytes"))
            {
                Error($"only repeated fields of scalar number types may set features.repeated_field_encoding (field '{field.Name}')", field.NameSpan);
            }

            if (FeatureValue(field.Options, "utf8_validation") is not null && !(field.TypeName == "string" || field.MapKeyType == "string" || field.MapValueType == "string"))
            {
                Error($"only string fields may set features.utf8_validation (field '{field.Name}')", field.NameSpan);
            }

            if (FeatureValue(field.Options, "message_encoding") is not null && (scalar || field.MapKeyType is not null))
            {
                Error($"only message fields may set features.message_encoding (field '{field.Name}')", field.NameSpan);
            }
        }

        /// <summary><c>[default = V]</c> outside proto3: not on repeated, message or implicit-presence fields, and of the field's type.</summary>
        private void Default(FieldNode field, OptionNode option, bool repeated, bool scalar)
        {
            if (repeated)
            {
                Error($"repeated field '{field.Name}' cannot have a default value", option.Span);
                return;
            }

            if (field.Group is not null)
            {
                Error($"message field '{field.Name}' cannot have a default value", option.Span);
                return;
            }

            if (_dialect == Dialect.Editions && (FeatureValue(field.Options, "field_presence") ?? FeatureValue(File.Options, "field_presence")) == "IMPLICIT")
            {
                Error($"field '{field.Name}' has implicit presence, so it cannot have a default value (its default is always the zero value)", option.Span);
                return;
            }

            if (!scalar)
            {
                // A message or enum type is the resolver's to check: it may be declared in another file.
                return;
            }

            var ok = field.TypeName switch
            {
                "string" or "bytes" => option.Kind == OptionValueKind.String,
                "bool" => option.Kind == OptionValueKind.Identifier && option.Value is "true" or "false",
                "float" or "double" => option.Kind is OptionValueKind.Integer or OptionValueKind.Float ||
                    (option.Kind == OptionValueKind.Identifier && option.Value is "inf" or "nan" or "infinity"),
                "uint32" or "fixed32" => IntegerFits(option, 0, uint.MaxValue),
                "uint64" or "fixed64" => IntegerFits(option, 0, null),
                "int32" or "sint32" or "sfixed32" => IntegerFits(option, int.MinValue, int.MaxValue),
                _ => IntegerFits(option, long.MinValue, long.MaxValue),
            };
            if (!ok)
            {
                Error($"the default value of {field.TypeName} field '{field.Name}' must be {DefaultExpectation(field.TypeName)}, not {Describe(option)}", option.Span);
            }
        }

        private static string DefaultExpectation(string type) => type switch
        {
            "string" or "bytes" => "a quoted string",
            "bool" => "true or false",
            "float" or "double" => "a number, inf or nan",
            _ => "an integer of its range",
        };

        /// <summary>Whether an option value is an integer in [<paramref name="min"/>, <paramref name="max"/>] (no max: any unsigned 64-bit value).</summary>
        private static bool IntegerFits(OptionNode option, long min, long? max)
        {
            if (option.Kind != OptionValueKind.Integer)
            {
                return false;
            }

            var negative = option.Value.StartsWith("-", System.StringComparison.Ordinal);
            if (!ProtoParser.TryParseInteger(negative ? option.Value.Substring(1) : option.Value, out var magnitude))
            {
                return false;
            }

            if (negative)
            {
                return min < 0 && magnitude <= (ulong)(-(min + 1)) + 1;
            }

            return max is null || magnitude <= (ulong)max.Value;
        }

        /// <summary>
        /// protoc's JSON name checks for one message: the default JSON names (lowerCamelCase) must differ, and so must the
        /// names JSON uses (json_name where set). A clash of two default names, or of a default and a custom one, is only a
        /// warning in protoc where the JSON format is LEGACY_BEST_EFFORT (proto2's); a clash of two custom names is always
        /// an error. <c>deprecated_legacy_json_field_conflicts</c> turns the check off.
        /// </summary>
        public void JsonNames(MessageNode message)
        {
            foreach (var option in message.Options)
            {
                if (option.Name == "deprecated_legacy_json_field_conflicts" && option.Value == "true")
                {
                    return;
                }
            }

            if (message.Fields.Count < 2)
            {
                return;
            }

            var format = FeatureValue(message.Options, "json_format") ?? FeatureValue(File.Options, "json_format")
                ?? (_dialect == Dialect.Proto2 ? "LEGACY_BEST_EFFORT" : "ALLOW");
            var legacy = format == "LEGACY_BEST_EFFORT";
            var customNames = new string?[message.Fields.Count];
            var anyCustom = false;
            for (var i = 0; i < customNames.Length; i++)
            {
                foreach (var option in message.Fields[i].Options)
                {
                    if (option.Name == "json_name" && option.Kind == OptionValueKind.String)
                    {
                        customNames[i] = option.Value;
                        anyCustom = true;
                    }
                }
            }

            var reported = new HashSet<FieldNode>();
            foreach (var useCustom in anyCustom ? new[] { false, true } : new[] { false })
            {
                var seen = new Dictionary<string, (FieldNode Field, bool Custom)>(message.Fields.Count, System.StringComparer.Ordinal);
                for (var i = 0; i < customNames.Length; i++)
                {
                    var field = message.Fields[i];
                    var custom = customNames[i];

                    var isCustom = useCustom && custom is not null;
                    var name = isCustom ? custom! : ToJsonName(field.Name);
                    if (!seen.TryGetValue(name, out var first))
                    {
                        seen.Add(name, (field, isCustom));
                        continue;
                    }

                    if ((legacy && !(isCustom && first.Custom)) || !reported.Add(field))
                    {
                        continue;
                    }

                    Error(
                        $"the {(isCustom ? "custom" : "default")} JSON name of field '{field.Name}' (\"{name}\") is the {(first.Custom ? "custom" : "default")} JSON name of field '{first.Field.Name}' in message '{message.Name}'; give one of them another json_name",
                        field.NameSpan);
                }
            }
        }
    }
}
