using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SandboxHarness;

/// A value a check cannot report (docs/hidden-checks-protocol.md: `$unserializable`).
internal sealed class UnserializableException(string message) : Exception(message);

/// Writes a check's value as canonical JSON (docs/hidden-checks-protocol.md) with Utf8JsonWriter, walking the
/// runtime object graph itself rather than through JsonSerializer: no converter, naming policy or [Json*]
/// attribute of the solution's types takes part, the runtime type (not the declared one) decides, and the depth
/// and size caps hold while writing (an endless IEnumerable stops at the size cap).
/// null, bool, string, char (a string), integers, floats (non-finite as {"$float":...}), decimal, enums (their
/// name), date/time types and Guid (ISO strings), tuples and IEnumerable (arrays; a multi-dimensional array nested
/// by rank), dictionaries (objects; string, char, integer, enum, bool and Guid keys as strings), JsonElement/JsonNode
/// as they are, and the solution's own classes, structs and records (plus KeyValuePair) as objects of their public
/// instance properties then public fields, by their C# names. Anything else (delegates, framework objects such as
/// StringBuilder or Task, cycles past the depth cap) is `$unserializable`. Property getters are the solution's code
/// and run here: they can make their own check fail, never see an expected value.
internal sealed class ValueWriter
{
    public const int MaxDepth = 64;
    public const int MaxBytes = 1 << 20;

    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly Utf8JsonWriter _w;
    private readonly Assembly? _solution;

    public ValueWriter(Assembly? solution)
    {
        _solution = solution;
        _w = new Utf8JsonWriter(_buffer, new JsonWriterOptions { MaxDepth = MaxDepth + 4 });
    }

    public Utf8JsonWriter Writer => _w;

    public ReadOnlyMemory<byte> Result()
    {
        _w.Flush();
        return _buffer.WrittenMemory;
    }

    public void Write(object? v, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new UnserializableException($"the value is nested deeper than {MaxDepth} levels");
        }
        if (_w.BytesPending + _w.BytesCommitted > MaxBytes)
        {
            throw new UnserializableException($"the value is larger than {MaxBytes} bytes of JSON");
        }
        switch (v)
        {
            case null:
                _w.WriteNullValue();
                return;
            case string s:
                _w.WriteStringValue(s);
                return;
            case bool b:
                _w.WriteBooleanValue(b);
                return;
            case char c:
                _w.WriteStringValue(c.ToString());
                return;
            case int or long or short or sbyte or byte or ushort or uint:
                _w.WriteNumberValue(Convert.ToInt64(v, CultureInfo.InvariantCulture));
                return;
            case ulong ul:
                _w.WriteNumberValue(ul);
                return;
            case Int128 or UInt128 or BigInteger or nint or nuint:
                _w.WriteRawValue(((IFormattable)v).ToString(null, CultureInfo.InvariantCulture));
                return;
            case double d:
                WriteFloat(d, () => _w.WriteNumberValue(d));
                return;
            case float f:
                WriteFloat(f, () => _w.WriteNumberValue(f));
                return;
            case Half h:
                WriteFloat((double)h, () => _w.WriteNumberValue((float)h));
                return;
            case decimal m:
                _w.WriteNumberValue(m);
                return;
            case Enum e:
                _w.WriteStringValue(e.ToString());
                return;
            case DateTime or DateTimeOffset or DateOnly or TimeOnly:
                _w.WriteStringValue(((IFormattable)v).ToString("O", CultureInfo.InvariantCulture));
                return;
            case TimeSpan ts:
                _w.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture));
                return;
            case Guid g:
                _w.WriteStringValue(g.ToString("D"));
                return;
            case JsonElement je:
                je.WriteTo(_w);
                return;
            case JsonNode jn:
                jn.WriteTo(_w);
                return;
            case ITuple t:
                _w.WriteStartArray();
                for (var i = 0; i < t.Length; i++)
                {
                    Write(t[i], depth + 1);
                }
                _w.WriteEndArray();
                return;
            case IDictionary dict:
                _w.WriteStartObject();
                var entries = dict.GetEnumerator();
                while (entries.MoveNext())
                {
                    _w.WritePropertyName(Key(entries.Key));
                    Write(entries.Value, depth + 1);
                }
                _w.WriteEndObject();
                return;
            case Array { Rank: > 1 } array:
                WriteDimension(array, 0, new int[array.Rank], depth);
                return;
        }
        var type = v.GetType();
        if (GenericDictionaryEntry(type) is { } kv && v is IEnumerable pairs)
        {
            _w.WriteStartObject();
            foreach (var pair in pairs)
            {
                _w.WritePropertyName(Key(Get(kv.Key, pair)));
                Write(Get(kv.Value, pair), depth + 1);
            }
            _w.WriteEndObject();
            return;
        }
        if (v is IEnumerable items)
        {
            _w.WriteStartArray();
            foreach (var item in items)
            {
                Write(item, depth + 1);
            }
            _w.WriteEndArray();
            return;
        }
        if (type.Assembly == _solution || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>)))
        {
            WriteObject(v, type, depth);
            return;
        }
        throw new UnserializableException("returned a " + type.FullName);
    }

    private void WriteFloat(double d, Action finite)
    {
        if (double.IsFinite(d))
        {
            finite();
            return;
        }
        _w.WriteStartObject();
        _w.WriteString("$float", double.IsNaN(d) ? "nan" : d > 0 ? "inf" : "-inf");
        _w.WriteEndObject();
    }

    private void WriteDimension(Array array, int dim, int[] index, int depth)
    {
        _w.WriteStartArray();
        for (var i = array.GetLowerBound(dim); i <= array.GetUpperBound(dim); i++)
        {
            index[dim] = i;
            if (dim == array.Rank - 1)
            {
                Write(array.GetValue(index), depth + dim + 1);
            }
            else
            {
                WriteDimension(array, dim + 1, index, depth);
            }
        }
        _w.WriteEndArray();
    }

    private void WriteObject(object v, Type type, int depth)
    {
        _w.WriteStartObject();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetMethod is { IsPublic: true } getter && p.GetIndexParameters().Length == 0 && seen.Add(p.Name))
            {
                _w.WritePropertyName(p.Name);
                Write(getter.Invoke(v, BindingFlags.DoNotWrapExceptions, null, null, null), depth + 1);
            }
        }
        foreach (var f in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            if (seen.Add(f.Name))
            {
                _w.WritePropertyName(f.Name);
                Write(f.GetValue(v), depth + 1);
            }
        }
        _w.WriteEndObject();
    }

    private static string Key(object? key) => key switch
    {
        string s => s,
        char c => c.ToString(),
        bool b => b ? "true" : "false",
        Enum e => e.ToString(),
        Guid g => g.ToString("D"),
        int or long or short or sbyte or byte or ushort or uint or ulong or Int128 or UInt128 or BigInteger => ((IFormattable)key).ToString(null, CultureInfo.InvariantCulture),
        _ => throw new UnserializableException("a dictionary key of type " + (key?.GetType().FullName ?? "null")),
    };

    private static readonly Dictionary<Type, (PropertyInfo Key, PropertyInfo Value)?> DictionaryEntries = [];

    /// Key/Value of the KeyValuePair a generic dictionary type (IDictionary<,> or IReadOnlyDictionary<,>) enumerates.
    private static (PropertyInfo Key, PropertyInfo Value)? GenericDictionaryEntry(Type type)
    {
        if (DictionaryEntries.TryGetValue(type, out var cached))
        {
            return cached;
        }
        var dictionary = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType
            && (i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IDictionary<,>)));
        (PropertyInfo, PropertyInfo)? entry = null;
        if (dictionary is not null)
        {
            var pair = typeof(KeyValuePair<,>).MakeGenericType(dictionary.GetGenericArguments());
            entry = (pair.GetProperty("Key")!, pair.GetProperty("Value")!);
        }
        DictionaryEntries[type] = entry;
        return entry;
    }

    private static object? Get(PropertyInfo p, object? o) => p.GetValue(o);
}

/// How a check's JSON arguments become .NET values: System.Text.Json into each parameter's type, case-insensitive
/// property names, fields included, enums by name or number, floats also from {"$float":"nan"|"inf"|"-inf"}.
internal static class Arguments
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        PropertyNameCaseInsensitive = true,
        IncludeFields = true,
        Converters = { new DoubleArgument(), new FloatArgument(), new JsonStringEnumConverter() },
    };

    public static object? Convert(JsonElement arg, ParameterInfo p, int position)
    {
        try
        {
            return JsonSerializer.Deserialize(arg, p.ParameterType, Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new ArgumentException($"argument {position + 1} ({p.Name}): a JSON {arg.ValueKind} does not convert to {p.ParameterType}: {e.Message}", p.Name);
        }
    }

    internal static double ReadFloat(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return reader.GetDouble();
        }
        double? value = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "$float")
            {
                value = reader.GetString() switch
                {
                    "nan" => double.NaN,
                    "inf" => double.PositiveInfinity,
                    "-inf" => double.NegativeInfinity,
                    var other => throw new JsonException($"unknown $float {other}"),
                };
            }
            else
            {
                reader.Skip();
            }
        }
        return value ?? throw new JsonException("an object is not a number");
    }

    private sealed class DoubleArgument : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadFloat(ref reader);

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }

    private sealed class FloatArgument : JsonConverter<float>
    {
        public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => (float)ReadFloat(ref reader);

        public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }
}
