using System;
using System.Globalization;
using System.Text;

namespace GrpcServer.Internal;

/// <summary>
/// Text a client controls (a path, a header name, a status detail that quotes either) made safe to log: control
/// characters are escaped, so that a CR, LF or ESC in a request can neither forge a log line nor recolour a console.
/// Every value a client controls goes through <see cref="Escape"/> before it reaches a log.
/// </summary>
internal static class ClientText
{
    /// <summary>
    /// Escapes C0 and C1 control characters, DEL, and the Unicode line and paragraph separators as <c>\xHH</c> or
    /// <c>\uHHHH</c>, and the backslash as <c>\\</c> so that an escape cannot be faked. Returns the value itself when
    /// there is nothing to escape, which is the common case.
    /// </summary>
    /// <param name="value">What the client sent; <see langword="null"/> is logged as empty.</param>
    /// <returns>The value, escaped.</returns>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var first = value.AsSpan().IndexOfAny(s_unsafe);
        if (first < 0)
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length + 16).Append(value, 0, first);
        for (var i = first; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\')
            {
                escaped.Append(@"\\");
            }
            else if (c < 0x20 || c is >= '\u007F' and <= '\u009F')
            {
                escaped.Append(@"\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else if (c is '\u2028' or '\u2029')
            {
                escaped.Append(@"\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> s_unsafe = System.Buffers.SearchValues.Create(Unsafe());

    private static string Unsafe()
    {
        var characters = new StringBuilder();
        for (var c = '\0'; c < ' '; c++)
        {
            characters.Append(c);
        }

        for (var c = '\u007F'; c <= '\u009F'; c++)
        {
            characters.Append(c);
        }

        return characters.Append('\\').Append('\u2028').Append('\u2029').ToString();
    }
}
