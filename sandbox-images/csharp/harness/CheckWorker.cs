using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using static SandboxHarness.Reports;

namespace SandboxHarness;

/// The hidden-checks worker (docs/hidden-checks-protocol.md): warm, it reports `ready`, reads one line of calls,
/// loads Solution.dll (never Tests.dll) and reports one value or error per check. Nothing it does is shown to the
/// learner; the expected values never come here.
internal static class CheckWorker
{
    private const int MessageChars = 2000;
    private const int PrSetDumpable = 4;

    [DllImport("libc", EntryPoint = "prctl")]
    private static extern int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    public static async Task<int> RunAsync()
    {
        // Non-dumpable: another process of the same uid (the test worker, or what it left behind) can neither
        // ptrace this one nor read /proc/<pid>/mem to see or change the calls.
        try
        {
            _ = Prctl(PrSetDumpable, 0, 0, 0, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not Linux: nothing to protect here.
        }
        await WarmUpAsync();
        Send(w => w.WriteString("type", "ready"));

        var line = Console.In.ReadLine();
        if (string.IsNullOrWhiteSpace(line))
        {
            return 0;
        }
        using var run = JsonDocument.Parse(line);
        SetNonce(run.RootElement.TryGetProperty("nonce", out var n) ? n.GetString() ?? "" : "");
        var files = run.RootElement.TryGetProperty("files", out var f) ? f.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
        var file = files.FirstOrDefault(x => x == "Solution.dll") ?? files.FirstOrDefault(x => x.EndsWith(".dll", StringComparison.Ordinal)) ?? "Solution.dll";

        Calls? calls = null;
        Exception? loadError = null;
        try
        {
            var path = Path.Combine(WorkDir, file);
            var image = File.ReadAllBytes(path);
            File.Delete(path);
            calls = new Calls(AssemblyLoadContext.Default.LoadFromStream(new MemoryStream(image)), image);
        }
        catch (Exception e)
        {
            loadError = e;
        }

        foreach (var check in run.RootElement.GetProperty("checks").EnumerateArray())
        {
            var index = check.GetProperty("index").GetInt32();
            Send(w => { w.WriteString("type", "check_started"); w.WriteNumber("index", index); });
            var (value, error) = loadError is null ? await calls!.RunAsync(check) : (default, loadError);
            Send(w =>
            {
                w.WriteString("type", "check_result");
                w.WriteNumber("index", index);
                if (error is null)
                {
                    w.WritePropertyName("value");
                    w.WriteRawValue(value.Span, skipInputValidation: true);
                }
                else
                {
                    WriteError(w, error);
                }
            });
        }
        Send(w => w.WriteString("type", "checks_done"));
        Console.Out.Flush();
        // Whatever threads the solution left running, this process is done.
        Environment.Exit(0);
        return 0;
    }

    private static void WriteError(Utf8JsonWriter w, Exception e)
    {
        List<string> types = [];
        if (e is UnserializableException)
        {
            types.Add("$unserializable");
        }
        else
        {
            for (var t = e.GetType(); t is not null; t = t.BaseType)
            {
                types.Add(t.Name);
                if (t == typeof(Exception))
                {
                    break;
                }
            }
        }
        string message;
        try
        {
            message = e.Message;
        }
        catch (Exception)
        {
            message = "";
        }
        w.WriteStartObject("error");
        w.WriteString("type", types[0]);
        w.WriteStartArray("types");
        foreach (var t in types)
        {
            w.WriteStringValue(t);
        }
        w.WriteEndArray();
        w.WriteString("message", Clip(message, MessageChars));
        w.WriteEndObject();
    }

    /// Runs a few checks against this assembly's <see cref="WarmupTarget"/> through the same code paths as real
    /// ones (type lookup, argument conversion, invocation, awaiting, value writing, errors), reporting nowhere.
    private static async Task WarmUpAsync()
    {
        var calls = new Calls(typeof(CheckWorker).Assembly, null);
        using var warm = JsonDocument.Parse("""
            {"checks":[
              {"index":0,"call":"WarmupTarget.Add","args":[1,2]},
              {"index":1,"call":"WarmupTarget.Values","args":[[1,2],"s",1.5,{"$float":"nan"}]},
              {"index":2,"call":"WarmupTarget.LaterAsync","args":[3]},
              {"index":3,"call":"WarmupTarget","args":[1],"steps":[{"method":"Add","args":[2]},{"method":"Total","args":[]}]},
              {"index":4,"call":"WarmupTarget.Fail","args":[]}
            ]}
            """);
        foreach (var check in warm.RootElement.GetProperty("checks").EnumerateArray())
        {
            var (value, error) = await calls.RunAsync(check);
            _ = Line(w =>
            {
                if (error is null)
                {
                    w.WritePropertyName("value");
                    w.WriteRawValue(value.Span, skipInputValidation: true);
                }
                else
                {
                    WriteError(w, error);
                }
            });
        }
    }
}

/// Calls into one loaded solution assembly.
internal sealed class Calls(Assembly solution, byte[]? image)
{
    private readonly Type[] _types = TypesOf(solution);

    public async Task<(ReadOnlyMemory<byte> Value, Exception? Error)> RunAsync(JsonElement check)
    {
        try
        {
            var call = check.GetProperty("call").GetString() ?? "";
            var values = new ValueWriter(solution);
            if (check.TryGetProperty("stdin", out var stdin))
            {
                values.Write(await RunMainAsync(call, stdin.GetString() ?? ""));
            }
            else if (check.TryGetProperty("steps", out var steps))
            {
                await RunObjectAsync(call, Args(check), steps, values);
            }
            else
            {
                var dot = call.LastIndexOf('.');
                if (dot <= 0)
                {
                    throw new MissingMethodException($"'{call}' is not <Type>.<Method>");
                }
                var type = FindType(call[..dot]);
                var (method, args) = Pick(type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == call[(dot + 1)..]), Args(check),
                    () => $"no public static method {call} takes {Args(check).Count} argument(s)");
                var result = ((MethodInfo)method).Invoke(null, BindingFlags.DoNotWrapExceptions, null, args, null);
                values.Write(await SettleAsync(result, ((MethodInfo)method).ReturnType));
            }
            return (values.Result(), null);
        }
        catch (Exception e)
        {
            return (default, e);
        }
    }

    private static List<JsonElement> Args(JsonElement node) =>
        node.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array ? args.EnumerateArray().ToList() : [];

    private async Task RunObjectAsync(string call, List<JsonElement> ctorArgs, JsonElement steps, ValueWriter values)
    {
        Type type;
        try
        {
            type = FindType(call);
        }
        catch (TypeLoadException) when (call.Contains('.'))
        {
            type = FindType(call[(call.LastIndexOf('.') + 1)..]);
        }
        object instance;
        if (ctorArgs.Count == 0 && type.IsValueType)
        {
            instance = Activator.CreateInstance(type)!;
        }
        else
        {
            var (ctor, args) = Pick(type.GetConstructors(BindingFlags.Public | BindingFlags.Instance), ctorArgs,
                () => $"no public constructor of {type.Name} takes {ctorArgs.Count} argument(s)");
            instance = ((ConstructorInfo)ctor).Invoke(BindingFlags.DoNotWrapExceptions, null, args, null);
        }
        var w = values.Writer;
        w.WriteStartArray();
        foreach (var step in steps.EnumerateArray())
        {
            var name = step.GetProperty("method").GetString() ?? "";
            var stepArgs = Args(step);
            var candidates = instance.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name == name).ToList();
            // A property may stand for a method without arguments (balance vs Balance { get; }).
            if (stepArgs.Count == 0 && !candidates.Any(m => m.GetParameters().Length == 0)
                && instance.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is { GetMethod.IsPublic: true } p && p.GetIndexParameters().Length == 0)
            {
                values.Write(p.GetMethod!.Invoke(instance, BindingFlags.DoNotWrapExceptions, null, null, null), 1);
                continue;
            }
            var (method, args) = Pick(candidates, stepArgs, () => $"no public method {type.Name}.{name} takes {stepArgs.Count} argument(s)");
            var result = ((MethodInfo)method).Invoke(instance, BindingFlags.DoNotWrapExceptions, null, args, null);
            values.Write(await SettleAsync(result, ((MethodInfo)method).ReturnType), 1);
        }
        w.WriteEndArray();
    }

    /// The solution's static Main with Console.In/Out redirected, in a fresh copy of the assembly (its static state
    /// starts anew, as a program run would); value = what it wrote to Console.Out.
    private async Task<string> RunMainAsync(string call, string stdin)
    {
        if (image is null)
        {
            throw new MissingMethodException("no program to run");
        }
        var context = new AssemblyLoadContext("check-main", isCollectible: true);
        var oldIn = Console.In;
        var oldOut = Console.Out;
        var output = new CappedWriter(ValueWriter.MaxBytes);
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(image));
            var main = FindMain(assembly, call);
            Console.SetIn(new StringReader(stdin));
            Console.SetOut(output);
            var result = main.Invoke(null, BindingFlags.DoNotWrapExceptions, null, main.GetParameters().Length == 0 ? null : [Array.Empty<string>()], null);
            await SettleAsync(result, main.ReturnType);
            Console.Out.Flush();
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetIn(oldIn);
            context.Unload();
        }
        return output.Over ? throw new UnserializableException($"the program wrote more than {ValueWriter.MaxBytes} characters") : output.ToString();
    }

    private static MethodInfo FindMain(Assembly assembly, string call)
    {
        if (assembly.EntryPoint is { } entry)
        {
            return entry;
        }
        var mains = TypesOf(assembly)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.Name == "Main" && !m.IsGenericMethodDefinition && m.GetParameters() is var ps
                && (ps.Length == 0 || (ps.Length == 1 && ps[0].ParameterType == typeof(string[]))))
            .ToList();
        // "Program.Main" picks that type's Main when there are several.
        var dot = call.LastIndexOf('.');
        var named = dot > 0 ? mains.FirstOrDefault(m => m.DeclaringType!.Name == call[..dot] || m.DeclaringType!.FullName == call[..dot]) : null;
        return named ?? mains.FirstOrDefault() ?? throw new MissingMethodException("the solution has no static Main()");
    }

    /// Overloads by argument count (then optional parameters filled in); among several, the first whose arguments
    /// all convert.
    private static (MethodBase Method, object?[] Args) Pick(IEnumerable<MethodBase> candidates, List<JsonElement> args, Func<string> missing)
    {
        var usable = candidates
            .Where(m => !m.IsGenericMethodDefinition && m.GetParameters().All(p => !p.ParameterType.IsByRef && !p.ParameterType.IsPointer))
            .Select(m => (Method: m, Parameters: m.GetParameters()))
            .Where(c => c.Parameters.Length >= args.Count && c.Parameters.Skip(args.Count).All(p => p.HasDefaultValue))
            .OrderBy(c => c.Parameters.Length != args.Count)
            .ThenBy(c => c.Method.MetadataToken)
            .ToList();
        if (usable.Count == 0)
        {
            throw new MissingMethodException(missing());
        }
        Exception? first = null;
        foreach (var (method, parameters) in usable)
        {
            try
            {
                var converted = new object?[parameters.Length];
                for (var i = 0; i < parameters.Length; i++)
                {
                    converted[i] = i < args.Count ? Arguments.Convert(args[i], parameters[i], i) : parameters[i].DefaultValue;
                }
                return (method, converted);
            }
            catch (ArgumentException e)
            {
                first ??= e;
            }
        }
        throw first!;
    }

    /// Awaits a Task/ValueTask result; its value for Task<T>/ValueTask<T>, null for a plain Task.
    private static async Task<object?> SettleAsync(object? result, Type declared)
    {
        switch (result)
        {
            case Task task:
                await task;
                var generic = task.GetType();
                while (generic is not null && !(generic.IsGenericType && generic.GetGenericTypeDefinition() == typeof(Task<>)))
                {
                    generic = generic.BaseType;
                }
                return generic is null || declared == typeof(Task) || generic.GetGenericArguments()[0].Name == "VoidTaskResult"
                    ? null
                    : generic.GetProperty(nameof(Task<int>.Result))!.GetValue(task);
            case ValueTask valueTask:
                await valueTask;
                return null;
            case not null when result.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ValueTask<>):
                var asTask = (Task)t.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(result, BindingFlags.DoNotWrapExceptions, null, null, null)!;
                return await SettleAsync(asTask, asTask.GetType());
            default:
                return result;
        }
    }

    /// By full name ("Bank.Account", nested "Outer.Inner" or "Outer+Inner"), else by simple name (top-level first).
    private Type FindType(string name)
    {
        var candidates = _types.Where(t => !t.Name.Contains('<') && !t.IsGenericTypeDefinition).ToList();
        return candidates.FirstOrDefault(t => t.FullName == name || t.FullName?.Replace('+', '.') == name)
            ?? candidates.Where(t => t.Name == name).OrderBy(t => t.IsNested).ThenBy(t => !t.IsPublic).ThenBy(t => t.MetadataToken).FirstOrDefault()
            ?? throw new TypeLoadException($"the solution has no type {name}");
    }

    private static Type[] TypesOf(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.Where(t => t is not null).ToArray()!;
        }
    }
}

/// Console.Out for a program check: keeps at most `limit` characters and remembers when there were more (a
/// program that catches the exception would otherwise go on), so an endless writer cannot fill the memory.
internal sealed class CappedWriter(int limit) : TextWriter
{
    private readonly StringBuilder _text = new();

    public bool Over { get; private set; }

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Write([value]);

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (_text.Length + buffer.Length > limit)
        {
            Over = true;
            throw new UnserializableException($"the program wrote more than {limit} characters");
        }
        _text.Append(buffer);
    }

    public override string ToString() => _text.ToString();
}

/// What the warm-up calls (public members, as a solution's would be).
internal sealed class WarmupTarget(int start)
{
    private int _total = start;

    public static int Add(int a, int b) => a + b;

    public static object Values(List<int> list, string s, double d, double nan) => new { list, s, d, nan, map = new Dictionary<string, int> { [s] = list.Count }, pair = (1, "x") };

    public static async Task<int> LaterAsync(int x)
    {
        await Task.Yield();
        return x;
    }

    public static void Fail() => throw new ArgumentOutOfRangeException(nameof(Fail));

    public void Add(int x) => _total += x;

    public int Total() => _total;
}
