using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace GrpcServer.Generators.Helpers;

/// <summary>
/// An immutable array with value equality, so that pipeline models compare by content and the
/// incremental generator can cache them. Wraps an array that is never mutated after construction.
/// </summary>
internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IEnumerable<T>
    where T : IEquatable<T>
{
    /// <summary>An empty array.</summary>
    public static readonly EquatableArray<T> Empty = new(Array.Empty<T>());

    private readonly T[]? _array;

    public EquatableArray(T[] array) => _array = array;

    public EquatableArray(IEnumerable<T> items) => _array = items.ToArray();

    public int Count => _array?.Length ?? 0;

    public bool IsEmpty => Count == 0;

    public T this[int index] => _array![index];

    public ReadOnlySpan<T> AsSpan() => _array.AsSpan();

    public bool Equals(EquatableArray<T> other) => AsSpan().SequenceEqual(other.AsSpan());

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        if (_array is null)
        {
            return 0;
        }

        var hash = 17;
        foreach (var item in _array)
        {
            hash = unchecked((hash * 31) + (item?.GetHashCode() ?? 0));
        }

        return hash;
    }

    public ImmutableArray<T> ToImmutableArray() => _array is null ? ImmutableArray<T>.Empty : ImmutableArray.Create(_array);

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_array ?? Array.Empty<T>())).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);
}

/// <summary>Creates <see cref="EquatableArray{T}"/> values.</summary>
internal static class EquatableArray
{
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items)
        where T : IEquatable<T> => new(items);

    public static EquatableArray<T> ToEquatableArray<T>(this List<T> items)
        where T : IEquatable<T> => items.Count == 0 ? EquatableArray<T>.Empty : new(items.ToArray());
}
