using System;
using System.Text;

namespace GrpcServer.Generators.Helpers;

/// <summary>
/// A small indented text writer for generated C#: lines are written at the current indentation
/// (four spaces per level), multi-line text is indented line by line, and line ends are always
/// <c>\n</c> so output is identical on every OS.
/// </summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _builder = new();

    public int Indentation { get; set; }

    /// <summary>Writes <c>{</c> and indents.</summary>
    public void OpenBlock()
    {
        WriteLine("{");
        Indentation++;
    }

    /// <summary>Unindents and writes <c>}</c> (followed by <paramref name="suffix"/>).</summary>
    public void CloseBlock(string suffix = "")
    {
        if (Indentation == 0)
        {
            throw new InvalidOperationException("CloseBlock without a matching OpenBlock.");
        }

        Indentation--;
        WriteLine("}" + suffix);
    }

    /// <summary>Writes an empty line (no indentation, no trailing spaces).</summary>
    public void WriteLine()
    {
        _builder.Append('\n');
    }

    /// <summary>Writes each line of <paramref name="text"/> at the current indentation.</summary>
    public void WriteLine(string text)
    {
        var start = 0;
        while (start <= text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }

            var length = end - start;
            if (length > 0 && text[end - 1] == '\r')
            {
                length--;
            }

            if (length > 0)
            {
                for (var i = 0; i < Indentation; i++)
                {
                    _builder.Append(IndentUnit);
                }

                _builder.Append(text, start, length);
            }

            _builder.Append('\n');
            start = end + 1;
        }
    }

    public override string ToString() => _builder.ToString();
}
