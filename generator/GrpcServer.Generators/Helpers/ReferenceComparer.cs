using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace GrpcServer.Generators.Helpers;

/// <summary>Compares objects by identity (records otherwise compare, and hash, their whole content).</summary>
internal sealed class ReferenceComparer<T> : IEqualityComparer<T>
    where T : class
{
    public static readonly ReferenceComparer<T> Instance = new();

    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

    public int GetHashCode(T obj) => RuntimeHelpers.GetHashCode(obj);
}
