using System.Collections.Generic;

namespace GrpcServer.Generators.Parsing;

internal static partial class ProtoValidator
{
    /// <summary>protoc's <c>TitleCase</c>: a capital letter, then letters and digits (no underscores).</summary>
    internal static bool IsTitleCase(string name)
    {
        if (name.Length == 0 || !(name[0] is >= 'A' and <= 'Z'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>protoc's <c>lower_snake_case</c> (<paramref name="upper"/>: <c>UPPER_SNAKE_CASE</c>): words of letters and digits, each starting with a letter, joined by single underscores.</summary>
    internal static bool IsSnakeCase(string name, bool upper)
    {
        var startOfWord = true;
        foreach (var c in name)
        {
            var letter = upper ? c is >= 'A' and <= 'Z' : c is >= 'a' and <= 'z';
            if (startOfWord)
            {
                if (!letter)
                {
                    return false;
                }

                startOfWord = false;
            }
            else if (c == '_')
            {
                startOfWord = true;
            }
            else if (!letter && !(c is >= '0' and <= '9'))
            {
                return false;
            }
        }

        return name.Length > 0 && !startOfWord;
    }

    private sealed partial class Context
    {
        /// <summary>Whether edition 2024's naming style applies where the code is (<c>features.enforce_naming_style</c>, STYLE2024 by default).</summary>
        private bool _strictNames;

        /// <summary>The naming style of an element: its own <c>enforce_naming_style</c>, else the enclosing element's.</summary>
        private bool StrictNames(List<OptionNode> options, bool inherited) => FeatureValue(options, "enforce_naming_style") switch
        {
            "STYLE_LEGACY" => false,
            "STYLE2024" => true,
            _ => inherited,
        };

        /// <summary>Sets the file's naming style and checks the package and the services, whose names edition 2024 styles.</summary>
        public void FileNames(ProtoFileNode file)
        {
            _strictNames = StrictNames(file.Options, SupportsVisibility(file));
            if (_strictNames && file.Package is { } package)
            {
                foreach (var part in package.Split('.'))
                {
                    if (!IsSnakeCase(part, upper: false))
                    {
                        NameStyle("package", package, "lower_snake_case", file.PackageSpan ?? default);
                        break;
                    }
                }
            }

            foreach (var service in file.Services)
            {
                var strict = StrictNames(service.Options, _strictNames);
                if (strict && !IsTitleCase(service.Name))
                {
                    NameStyle("service", service.Name, "TitleCase", service.NameSpan);
                }

                foreach (var rpc in service.Rpcs)
                {
                    if (StrictNames(rpc.Options, strict) && !IsTitleCase(rpc.Name))
                    {
                        NameStyle("rpc", rpc.Name, "TitleCase", rpc.NameSpan);
                    }
                }
            }
        }

        /// <summary>Enters a message's or enum's naming scope and checks its name; returns the enclosing scope's style, for <see cref="ExitNames"/>.</summary>
        private bool EnterNames(string kind, string name, List<OptionNode> options, SourceSpan span)
        {
            var outer = _strictNames;
            _strictNames = StrictNames(options, outer);
            if (_strictNames && !IsTitleCase(name))
            {
                NameStyle(kind, name, "TitleCase", span);
            }

            return outer;
        }

        private void ExitNames(bool outer) => _strictNames = outer;

        private void SnakeName(string kind, string name, List<OptionNode> options, SourceSpan span, bool upper)
        {
            if (StrictNames(options, _strictNames) && !IsSnakeCase(name, upper))
            {
                NameStyle(kind, name, upper ? "UPPER_SNAKE_CASE" : "lower_snake_case", span);
            }
        }

        private void NameStyle(string kind, string name, string style, SourceSpan span) =>
            Error($"{kind} name '{name}' should be {style}, as edition 2024 requires (or set option features.enforce_naming_style = STYLE_LEGACY;)", span);
    }
}
