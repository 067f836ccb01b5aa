using Xunit.Abstractions;
using Xunit.Sdk;

namespace LearningPlatform.Storage.Tests;

/// <summary>
/// A fact of the shared contract suite. It runs in every concrete test class unless that class carries
/// <see cref="RequiresEnvironmentVariableAttribute"/> and the variable is not set: then it is reported as skipped.
/// </summary>
[XunitTestCaseDiscoverer("LearningPlatform.Storage.Tests.ContractFactDiscoverer", "LearningPlatform.Storage.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>The test class needs a resource named by an environment variable (a server's address).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEnvironmentVariableAttribute(string variable, string howToRun) : Attribute
{
    public string Variable { get; } = variable;

    public string? SkipReason => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable))
        ? $"{Variable} is not set. {howToRun}"
        : null;
}

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var requirement = testMethod.TestClass.Class.ToRuntimeType()
            .GetCustomAttributes(typeof(RequiresEnvironmentVariableAttribute), inherit: true)
            .Cast<RequiresEnvironmentVariableAttribute>()
            .FirstOrDefault();
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        yield return requirement?.SkipReason is { } reason
            ? new SkippedTestCase(diagnosticMessageSink, display, displayOptions, testMethod, reason)
            : new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod);
    }
}

/// <summary>A test case reported as skipped with a reason found at discovery time.</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    private string _reason = "";

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes", error: true)]
    public SkippedTestCase()
    {
    }

    public SkippedTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod, string reason)
        : base(diagnosticMessageSink, display, displayOptions, testMethod) => _reason = reason;

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("Reason", _reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string>("Reason");
        base.Deserialize(data);
    }
}
