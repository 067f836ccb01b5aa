using System.Globalization;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Execution;

/// What the sandbox reported for one hidden check: the value its call returned, or the error it raised.
internal sealed record CheckReport(JsonElement? Value, IReadOnlyList<string> ErrorTypes, string? ErrorMessage)
{
    public bool IsError => ErrorTypes.Count > 0;

    public static CheckReport From(JsonElement frame)
    {
        if (frame.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            var types = error.TryGetProperty("types", out var t) && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
                : [];
            if (error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && !types.Contains(type.GetString()!))
            {
                types.Insert(0, type.GetString()!);
            }
            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return new CheckReport(null, types.Count > 0 ? types : ["Error"], message);
        }
        return new CheckReport(frame.TryGetProperty("value", out var v) ? v.Clone() : null, [], null);
    }
}

/// Judges hidden checks on the host: the expected values never entered the sandbox, so nothing the code under test
/// did there can make a wrong value pass. A value is compared as JSON, by the check's rule.
internal static class CheckJudge
{
    private const double DefaultTolerance = 1e-9;
    private const int MaxShownChars = 300;

    /// <param name="reports">Per check index, every report the sandbox made for it (more than one is not a pass).</param>
    /// <param name="stopped">Why checks without a report did not run, e.g. "time limit".</param>
    public static (List<CheckOutcome> Outcomes, List<CheckDetail> Details) Judge(
        IReadOnlyList<HiddenCheck> checks, IReadOnlyDictionary<int, List<CheckReport>> reports, string stopped)
    {
        var outcomes = new List<CheckOutcome>(checks.Count);
        var details = new List<CheckDetail>(checks.Count);
        for (var i = 0; i < checks.Count; i++)
        {
            var check = checks[i];
            TestStatus status;
            string? reason;
            JsonElement? actual = null;
            string? error = null;
            if (!reports.TryGetValue(i, out var got) || got.Count == 0)
            {
                (status, reason) = (TestStatus.Error, "not run: " + stopped);
            }
            else if (got.Count > 1)
            {
                (status, reason) = (TestStatus.Fail, "reported more than once");
            }
            else
            {
                var report = got[0];
                actual = report.Value;
                error = report.IsError ? report.ErrorTypes[0] + (report.ErrorMessage is { Length: > 0 } m ? ": " + m : "") : null;
                (status, reason) = Compare(check, report);
            }
            outcomes.Add(new CheckOutcome(i + 1, status, check.Description));
            details.Add(new CheckDetail(i + 1, status, reason, actual, error));
        }
        return (outcomes, details);
    }

    internal static (TestStatus Status, string? Reason) Compare(HiddenCheck check, CheckReport report)
    {
        if (check.ExpectedError is { Length: > 0 } expectedError)
        {
            if (!report.IsError)
            {
                return (TestStatus.Fail, $"expected an error {expectedError}, got {Show(report.Value)}");
            }
            return report.ErrorTypes.Any(t => SameTypeName(t, expectedError))
                ? (TestStatus.Pass, null)
                : (TestStatus.Fail, $"expected an error {expectedError}, got {report.ErrorTypes[0]}");
        }
        if (report.IsError)
        {
            return (TestStatus.Fail, $"raised {report.ErrorTypes[0]}");
        }
        var expected = check.Expected ?? default;
        var actual = report.Value ?? default;
        var equal = check.Compare switch
        {
            CheckComparison.Unordered => UnorderedEqual(expected, actual),
            CheckComparison.Tolerance => Equal(expected, actual, check.Tolerance ?? DefaultTolerance),
            _ => Equal(expected, actual, 0),
        };
        return equal ? (TestStatus.Pass, null) : (TestStatus.Fail, $"expected {Show(expected)}, got {Show(actual)}");
    }

    // "System.ArgumentException" names the same type as "ArgumentException".
    private static bool SameTypeName(string reported, string expected) =>
        string.Equals(reported, expected, StringComparison.Ordinal)
        || string.Equals(reported[(reported.LastIndexOf('.') + 1)..], expected[(expected.LastIndexOf('.') + 1)..], StringComparison.Ordinal);

    /// Deep JSON equality; numbers by value, within <paramref name="tolerance"/> when it is above zero. A missing
    /// value (undefined) is null.
    internal static bool Equal(JsonElement expected, JsonElement actual, double tolerance)
    {
        var ek = Kind(expected);
        var ak = Kind(actual);
        if (ek != ak)
        {
            return false;
        }
        switch (ek)
        {
            case JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False:
                return true;
            case JsonValueKind.String:
                return string.Equals(expected.GetString(), actual.GetString(), StringComparison.Ordinal);
            case JsonValueKind.Number:
                return NumbersEqual(expected, actual, tolerance);
            case JsonValueKind.Array:
                if (expected.GetArrayLength() != actual.GetArrayLength())
                {
                    return false;
                }
                using (var a = actual.EnumerateArray())
                {
                    foreach (var e in expected.EnumerateArray())
                    {
                        a.MoveNext();
                        if (!Equal(e, a.Current, tolerance))
                        {
                            return false;
                        }
                    }
                }
                return true;
            case JsonValueKind.Object:
                var expectedProps = expected.EnumerateObject().ToList();
                var actualProps = actual.EnumerateObject().ToList();
                if (expectedProps.Count != actualProps.Count || actualProps.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != actualProps.Count)
                {
                    return false;
                }
                foreach (var p in expectedProps)
                {
                    if (!actual.TryGetProperty(p.Name, out var v) || !Equal(p.Value, v, tolerance))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return false;
        }
    }

    private static JsonValueKind Kind(JsonElement e) => e.ValueKind == JsonValueKind.Undefined ? JsonValueKind.Null : e.ValueKind;

    private static bool NumbersEqual(JsonElement expected, JsonElement actual, double tolerance)
    {
        if (expected.TryGetInt64(out var el) && actual.TryGetInt64(out var al))
        {
            return tolerance > 0 ? Math.Abs((double)el - al) <= Allowed(el, tolerance) : el == al;
        }
        if (expected.TryGetDecimal(out var ed) && actual.TryGetDecimal(out var ad) && tolerance == 0)
        {
            return ed == ad;
        }
        var e = expected.GetDouble();
        var a = actual.GetDouble();
        return tolerance > 0 ? Math.Abs(e - a) <= Allowed(e, tolerance) : e == a;
    }

    private static double Allowed(double expected, double tolerance) => Math.Max(tolerance, tolerance * Math.Abs(expected));

    /// Same elements in any order: each expected element matched with a distinct actual one.
    internal static bool UnorderedEqual(JsonElement expected, JsonElement actual)
    {
        if (expected.ValueKind != JsonValueKind.Array || actual.ValueKind != JsonValueKind.Array)
        {
            return Equal(expected, actual, 0);
        }
        var remaining = actual.EnumerateArray().ToList();
        if (remaining.Count != expected.GetArrayLength())
        {
            return false;
        }
        foreach (var e in expected.EnumerateArray())
        {
            var at = remaining.FindIndex(a => Equal(e, a, 0));
            if (at < 0)
            {
                return false;
            }
            remaining.RemoveAt(at);
        }
        return true;
    }

    private static string Show(JsonElement? value)
    {
        if (value is not { } v || v.ValueKind == JsonValueKind.Undefined)
        {
            return "nothing";
        }
        var text = v.GetRawText();
        return text.Length <= MaxShownChars ? text : string.Concat(text.AsSpan(0, MaxShownChars), "…");
    }

    internal static string Describe(int passed, int total) =>
        string.Create(CultureInfo.InvariantCulture, $"{total - passed} of {total} hidden checks did not pass");
}
