using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;

namespace LearningPlatform.Hub.Features.Diagnostics.CSharp;

/// <summary>
/// The reference set learners' C# compiles against, shared by every session: the .NET 10 reference assemblies plus
/// xunit's assert and core assemblies (embedded in this assembly from the pinned packages, see the project file), so
/// test files compile without any file system or NuGet lookup at run time.
/// </summary>
internal static class CSharpReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyAll = new(Load);

    /// <summary>Created once; Roslyn caches each reference's symbols across compilations that share it.</summary>
    public static ImmutableArray<MetadataReference> All => LazyAll.Value;

    /// <summary>Global usings of an SDK project with <c>ImplicitUsings</c> (Microsoft.NET.Sdk).</summary>
    public static readonly ImmutableArray<string> ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading",
        "System.Threading.Tasks",
    ];

    /// <summary>Added for test sessions, as an xunit test project's <c>&lt;Using Include="Xunit" /&gt;</c> does.</summary>
    public const string TestUsing = "Xunit";

    private static ImmutableArray<MetadataReference> Load()
    {
        var builder = ImmutableArray.CreateBuilder<MetadataReference>();
        builder.AddRange(Net100.References.All);
        var assembly = typeof(CSharpReferences).Assembly;
        foreach (var name in new[] { "xunit.assert.dll", "xunit.core.dll", "xunit.abstractions.dll" })
        {
            using var stream = assembly.GetManifestResourceStream("RefAssemblies." + name)
                ?? throw new InvalidOperationException($"Embedded reference {name} is missing: check the Hub project file.");
            builder.Add(MetadataReference.CreateFromStream(stream, filePath: name));
        }

        return builder.ToImmutable();
    }
}
