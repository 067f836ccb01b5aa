using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using Xunit;
using Xunit.Sdk;
using static SandboxHarness.Reports;

namespace SandboxHarness;

// Waits (warm) for the run on stdin, then loads the solution and the tests compiled by the host (Solution.dll,
// Tests.dll), finds the tests' [Fact]/[Theory] methods by reflection and reports each on fd 3 as it finishes. One
// instance of the test class per test, as xunit.
internal static class TestWorker
{
    public static async Task<int> RunAsync()
    {
        // Touch what a run needs so a warm container has it loaded and jitted before the run arrives.
        _ = typeof(Assert).Assembly;
        _ = typeof(FactAttribute).Assembly;
        using (var warm = JsonDocument.Parse("""{"nonce":"00","files":["Solution.dll","Tests.dll"],"testOutputChars":500}"""))
        {
            _ = warm.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()).ToList();
            _ = Line(w => { w.WriteString("type", "warm"); w.WriteNumber("durationMs", 1L); });
        }
        Send(w => w.WriteString("type", "ready"));

        var input = Console.In.ReadToEnd();
        if (string.IsNullOrWhiteSpace(input))
        {
            return 0;
        }
        using var run = JsonDocument.Parse(input.Split('\n')[0]);
        SetNonce(run.RootElement.TryGetProperty("nonce", out var n) ? n.GetString() ?? "" : "");
        var outputChars = run.RootElement.TryGetProperty("testOutputChars", out var oc) ? oc.GetInt32() : 500;
        var files = run.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();

        // The solution first, into the default context; the tests' reference to it resolves to that very assembly.
        var solution = Load(files, "Solution.dll");
        if (solution is not null)
        {
            var name = solution.GetName().Name;
            AssemblyLoadContext.Default.Resolving += (_, wanted) => wanted.Name == name ? solution : null;
        }
        var testsAssembly = Load(files, "Tests.dll");

        var tests = testsAssembly is null ? [] : Discover(testsAssembly);
        Send(w =>
        {
            w.WriteString("type", "collected");
            w.WriteStartArray("tests");
            foreach (var t in tests)
            {
                w.WriteStringValue(t.Name);
            }
            w.WriteEndArray();
        });

        var realOut = Console.Out;
        var realErr = Console.Error;
        foreach (var test in tests)
        {
            Send(w => { w.WriteString("type", "test_started"); w.WriteString("name", test.Name); });
            var capture = new StringWriter();
            Console.SetOut(capture);
            Console.SetError(capture);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var (status, message) = await RunOne(test);
            Console.SetOut(realOut);
            Console.SetError(realErr);
            var output = capture.ToString();
            Send(w =>
            {
                w.WriteString("type", "test_finished");
                w.WriteString("name", test.Name);
                w.WriteString("status", status);
                w.WriteString("message", message is null ? null : Clip(message, 20000));
                w.WriteString("output", output.Length == 0 ? null : Clip(output, outputChars));
                w.WriteString("method", test.Method.DeclaringType!.FullName + "." + test.Method.Name);
                if (TaskOf(test.Method) is { } task)
                {
                    w.WriteNumber("taskId", task);
                }
                w.WriteNumber("durationMs", (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            });
        }
        Send(w => { w.WriteString("type", "integrity"); w.WriteBoolean("ok", true); w.WriteStartArray("changed"); w.WriteEndArray(); });
        Send(w => { w.WriteString("type", "done"); w.WriteNumber("exitCode", 0); });
        return 0;
    }

    /// Loads one of the run's files from bytes and deletes it (the code under test finds no copy to read or patch).
    private static Assembly? Load(List<string> files, string file)
    {
        if (!files.Contains(file))
        {
            return null;
        }
        var path = Path.Combine(WorkDir, file);
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return AssemblyLoadContext.Default.LoadFromStream(new MemoryStream(bytes));
    }

    private sealed record TestCase(string Name, MethodInfo Method, object?[]? Args, string? Skip, string? DataError);

    private static List<TestCase> Discover(Assembly assembly)
    {
        var list = new List<TestCase>();
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types.Where(t => t is not null).ToArray()!;
        }
        // As xunit: public classes, static ones included (abstract and sealed), open generic ones not.
        foreach (var type in types.Where(t => t.IsClass && (!t.IsAbstract || t.IsSealed) && (t.IsPublic || t.IsNestedPublic) && !t.ContainsGenericParameters)
            .OrderBy(t => t.MetadataToken))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).OrderBy(m => m.MetadataToken))
            {
                var fact = method.GetCustomAttribute<FactAttribute>();
                if (fact is null)
                {
                    continue;
                }
                var baseName = type.Name + "." + method.Name;
                if (fact is TheoryAttribute)
                {
                    var any = false;
                    foreach (var data in method.GetCustomAttributes<DataAttribute>())
                    {
                        IEnumerable<object?[]> rows;
                        try
                        {
                            rows = data.GetData(method).ToList();
                        }
                        catch (Exception e)
                        {
                            list.Add(new TestCase(baseName, method, null, null, "theory data failed: " + e.Message));
                            any = true;
                            continue;
                        }
                        // [InlineData(null)] passes a null array where xunit reads one null argument.
                        foreach (var row in rows.Select(r => r ?? [null]))
                        {
                            list.Add(new TestCase($"{baseName}({DisplayArguments(method, row)})", method, row, data.Skip ?? fact.Skip, null));
                            any = true;
                        }
                    }
                    if (!any)
                    {
                        list.Add(new TestCase(baseName, method, null, null, "No data found for " + baseName));
                    }
                }
                else
                {
                    list.Add(new TestCase(baseName, method, null, fact.Skip, null));
                }
            }
        }
        return list;
    }

    private static async Task<(string Status, string? Message)> RunOne(TestCase test)
    {
        if (test.Skip is not null)
        {
            return ("error", "skipped: " + test.Skip);
        }
        if (test.DataError is not null)
        {
            return ("error", test.DataError);
        }
        if (test.Args is not null && ArgumentCountError(test.Method, test.Args.Length) is { } countError)
        {
            return ("fail", countError);
        }
        object? instance = null;
        try
        {
            instance = test.Method.IsStatic ? null : Activator.CreateInstance(test.Method.DeclaringType!);
            var args = Convert(test.Method, test.Args);
            var result = test.Method.Invoke(instance, args);
            if (result is Task task)
            {
                await task;
            }
            else if (result is ValueTask vt)
            {
                await vt;
            }
            return ("pass", null);
        }
        catch (Exception e)
        {
            var inner = (e as TargetInvocationException)?.InnerException ?? e;
            return ("fail", Describe(inner));
        }
        finally
        {
            try
            {
                (instance as IDisposable)?.Dispose();
            }
            catch
            {
                // A failing Dispose does not change the test's outcome here; xunit would report it separately.
            }
        }
    }

    private static object?[]? Convert(MethodInfo method, object?[]? args)
    {
        var ps = method.GetParameters();
        if (ps.Length == 0)
        {
            return null;
        }
        var given = args?.Length ?? 0;
        var result = new object?[ps.Length];
        for (var i = 0; i < ps.Length; i++)
        {
            var value = i < given ? args![i] : ps[i].DefaultValue;
            var target = Nullable.GetUnderlyingType(ps[i].ParameterType) ?? ps[i].ParameterType;
            if (value is not null && !target.IsInstanceOfType(value) && value is IConvertible && typeof(IConvertible).IsAssignableFrom(target) && !target.IsEnum)
            {
                value = System.Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
            }
            result[i] = value;
        }
        return result;
    }

    /// Exercism's [Task(n)] (Exercism.Tests.TaskAttribute, compiled into Tests.dll by the host), read from the metadata.
    private static int? TaskOf(MethodInfo method) =>
        method.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == "Exercism.Tests.TaskAttribute")
            is { ConstructorArguments: [{ Value: int task }] } ? task : null;

    /// xunit's message for a data row that does not fit the method (missing parameters may have defaults).
    private static string? ArgumentCountError(MethodInfo method, int given)
    {
        var ps = method.GetParameters();
        return given > ps.Length || ps.Skip(given).Any(p => !p.HasDefaultValue)
            ? $"The test method expected {ps.Length} parameter value{(ps.Length == 1 ? "" : "s")}, but {given} parameter value{(given == 1 ? " was" : "s were")} provided."
            : null;
    }

    private static string Describe(Exception e)
    {
        var sb = new StringBuilder();
        sb.Append(e is XunitException ? "" : e.GetType().FullName + ": ").Append(e.Message);
        // The cause of a wrapper (a failing static constructor of the solution: TypeInitializationException).
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            sb.Append("\n ---> ").Append(inner.GetType().FullName).Append(": ").Append(inner.Message);
        }
        // The learner's and the test's frames only: not xunit's, reflection's (InvokeStub_*) or this harness's.
        var frames = (e.StackTrace ?? "").Split('\n').Where(l => !l.Contains(" Xunit.", StringComparison.Ordinal) && !l.Contains("System.Reflection", StringComparison.Ordinal)
            && !l.Contains("System.Runtime", StringComparison.Ordinal) && !l.Contains(" InvokeStub_", StringComparison.Ordinal) && !l.Contains(" SandboxHarness.", StringComparison.Ordinal)).Take(8);
        foreach (var f in frames)
        {
            sb.Append('\n').Append(f.TrimEnd());
        }
        return sb.ToString();
    }

    /// "a: 1, b: \"x\"" as in xunit's display names: values by xunit's own formatter (strings quoted, escaped and cut
    /// at 50 characters, collections at 5 items), "???" for what the method and the row do not both have.
    private static string DisplayArguments(MethodInfo method, object?[] row)
    {
        var ps = method.GetParameters();
        return string.Join(", ", Enumerable.Range(0, Math.Max(ps.Length, row.Length)).Select(i =>
            (i < ps.Length ? ps[i].Name : "???") + ": " + (i < row.Length ? Show(row[i]) : ps[i].IsOptional ? Show(ps[i].DefaultValue) : "???")));
    }

    private static string Show(object? value)
    {
        try
        {
            return ArgumentFormatter.Format(value);
        }
        catch (Exception e)
        {
            // The value's own code (ToString, a property) failed; the test still runs and can say more.
            return $"({e.GetType().Name} while formatting)";
        }
    }
}
