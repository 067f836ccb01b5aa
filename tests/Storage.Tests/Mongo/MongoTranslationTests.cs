using System.Linq.Expressions;
using LearningPlatform.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace LearningPlatform.Storage.Tests.Mongo;

/// <summary>
/// What the MongoDB adapter sends, checked without a server: the BSON shape of documents and the query language
/// each supported filter and sort renders to. The contract suite checks the server's answers when MONGODB_URI is set.
/// </summary>
public sealed class MongoTranslationTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);

    public MongoTranslationTests()
    {
        // Registers the conventions before any class map is built; the driver does not connect until used.
        using var factory = new MongoDocumentStoreFactory("mongodb://localhost:27017");
    }

    private static string Render(Expression<Func<Lesson, bool>> filter) => RenderDocument(filter).ToJson();

    private static BsonDocument RenderDocument(Expression<Func<Lesson, bool>> filter) =>
        MongoDocumentCollection<Lesson>.Where(filter)
            .Render(new RenderArgs<Lesson>(BsonSerializer.LookupSerializer<Lesson>(), BsonSerializer.SerializerRegistry));

    private static string Render(Expression<Func<Lesson, object?>> field, bool descending = false) =>
        MongoDocumentCollection<Lesson>.Sort(field, descending)
            .Render(new RenderArgs<Lesson>(BsonSerializer.LookupSerializer<Lesson>(), BsonSerializer.SerializerRegistry))
            .ToJson();

    [Fact]
    public void Document_MapsToCamelCaseWithIdAsUnderscoreId()
    {
        var bson = new Lesson { Id = "a", Version = 3, Title = "t", Level = Level.Advanced, PreviousLevel = Level.Beginner, At = T0 }.ToBsonDocument();

        Assert.Equal("a", bson["_id"].AsString);
        Assert.Equal(3L, bson["version"].AsInt64);
        Assert.Equal("t", bson["title"].AsString);
        Assert.Equal("Advanced", bson["level"].AsString);
        Assert.Equal("Beginner", bson["previousLevel"].AsString);
        Assert.Equal(BsonType.DateTime, bson["at"].BsonType);
        Assert.False(bson.Contains("id"));
        Assert.False(bson.Contains("Title"));
    }

    [Fact]
    public void Document_RoundTripsThroughBson()
    {
        var at = new DateTimeOffset(2025, 6, 1, 12, 30, 15, 123, TimeSpan.FromHours(2)).AddTicks(4567);
        var lesson = new Lesson
        {
            Id = "all", Title = "t", Count = -1, Big = long.MaxValue, Score = 0.3, Published = true, Level = Level.Intermediate, At = at,
            Rating = 4, PublishedAt = at, Tags = ["a"], Meta = new() { ["k"] = "v" }, Address = new Address("Oslo", 150),
            Steps = [new Step { Title = "s", Order = 1, Hints = new() { ["h"] = "x" } }],
        };

        var back = BsonSerializer.Deserialize<Lesson>(lesson.ToBsonDocument());

        var instant = new DateTimeOffset(2025, 6, 1, 10, 30, 15, 123, TimeSpan.Zero);
        Assert.Equal((instant, TimeSpan.Zero), (back.At, back.At.Offset));
        Assert.Equal(instant, back.PublishedAt);
        Assert.Equal((-1, long.MaxValue, 0.3, true, Level.Intermediate, 4), (back.Count, back.Big, back.Score, back.Published, back.Level, back.Rating));
        Assert.Equal(["a"], back.Tags);
        Assert.Equal("v", back.Meta["k"]);
        Assert.Equal(new Address("Oslo", 150), back.Address);
        Assert.Equal(("s", 1, "x"), (back.Steps[0].Title, back.Steps[0].Order, back.Steps[0].Hints["h"]));
    }

    [Fact]
    public void Document_WithNulls_RoundTrips_AndExtraElementsAreIgnored()
    {
        var bson = new Lesson { Id = "n" }.ToBsonDocument();
        bson["removedField"] = "from an older version";

        var back = BsonSerializer.Deserialize<Lesson>(bson);
        var header = BsonSerializer.Deserialize<LessonHeader>(bson);

        Assert.Null(back.Rating);
        Assert.Null(back.PublishedAt);
        Assert.Null(back.Address);
        Assert.Equal("n", header.Id);
    }

    public static TheoryData<string, string> Filters() => new()
    {
        { "equality", """{ "title" : "Beta" }""" },
        { "id", """{ "_id" : "c" }""" },
        { "not equal", """{ "count" : { "$ne" : 2 } }""" },
        { "less than", """{ "count" : { "$lt" : 3 } }""" },
        { "greater or equal", """{ "count" : { "$gte" : 3 } }""" },
        { "and", """{ "published" : true, "count" : { "$gt" : 1 } }""" },
        { "or", """{ "$or" : [{ "count" : 1 }, { "level" : "Advanced" }] }""" },
        { "not comparison", """{ "count" : { "$not" : { "$lt" : 3 } } }""" },
        { "not bool", """{ "published" : { "$ne" : true } }""" },
        { "bool", """{ "published" : true }""" },
        { "enum", """{ "level" : "Beginner" }""" },
        { "list contains", """{ "tags" : "x" }""" },
        { "in list", """{ "_id" : { "$in" : ["a", "c"] } }""" },
        { "in array", """{ "title" : { "$in" : ["Beta", "Gamma"] } }""" },
        { "nested", """{ "address.city" : "Oslo" }""" },
        { "null", """{ "rating" : null }""" },
        { "not null", """{ "rating" : { "$ne" : null } }""" },
        { "date", """{ "at" : { "$gt" : { "$date" : "2025-03-14T09:26:53.589Z" } } }""" },
        { "date other offset", """{ "at" : { "$lte" : { "$date" : "2025-03-14T09:26:53.589Z" } } }""" },
        { "all", """{ }""" },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public void Filter_Renders(string form, string expected)
    {
        List<string> ids = ["a", "c"];
        string[] titles = ["Beta", "Gamma"];
        var sameInstant = T0.ToOffset(TimeSpan.FromHours(-5));
        Expression<Func<Lesson, bool>> filter = form switch
        {
            "equality" => x => x.Title == "Beta",
            "id" => x => x.Id == "c",
            "not equal" => x => x.Count != 2,
            "less than" => x => x.Count < 3,
            "greater or equal" => x => x.Count >= 3,
            "and" => x => x.Published && x.Count > 1,
            "or" => x => x.Count == 1 || x.Level == Level.Advanced,
            "not comparison" => x => !(x.Count < 3),
            "not bool" => x => !x.Published,
            "bool" => x => x.Published,
            "enum" => x => x.Level == Level.Beginner,
            "list contains" => x => x.Tags.Contains("x"),
            "in list" => x => ids.Contains(x.Id),
            "in array" => x => titles.Contains(x.Title),
            "nested" => x => x.Address!.City == "Oslo",
            "null" => x => x.Rating == null,
            "not null" => x => x.Rating != null,
            "date" => x => x.At > T0,
            "date other offset" => x => x.At <= sameInstant,
            "all" => _ => true,
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };

        Assert.Equal(expected, Render(filter));
    }

    [Fact]
    public void StringMethods_RenderCaseSensitiveEscapedRegexes()
    {
        static BsonRegularExpression Regex(Expression<Func<Lesson, bool>> filter) =>
            RenderDocument(filter)["title"].AsBsonRegularExpression;

        Assert.Equal(("^Al", "s"), (Regex(x => x.Title.StartsWith("Al")).Pattern, Regex(x => x.Title.StartsWith("Al")).Options));
        Assert.Equal("ph", Regex(x => x.Title.Contains("ph")).Pattern);
        Assert.Equal(@"\(a\.b\)", Regex(x => x.Title.Contains("(a.b)")).Pattern);
        Assert.Equal("^50%", Regex(x => x.Title.StartsWith("50%")).Pattern);
    }

    [Fact]
    public void Sort_RendersBoxedValueTypesAndNestedFields()
    {
        Assert.Equal("""{ "title" : 1 }""", Render(x => x.Title));
        Assert.Equal("""{ "count" : -1 }""", Render(x => x.Count, descending: true));
        Assert.Equal("""{ "at" : 1 }""", Render(x => x.At));
        Assert.Equal("""{ "address.zip" : 1 }""", Render(x => x.Address!.Zip));
    }
}
