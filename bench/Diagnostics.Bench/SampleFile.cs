using System.Text;

namespace LearningPlatform.Diagnostics.Bench;

/// <summary>A realistic learner file of about 200 lines: records, LINQ, generics, async, pattern matching.</summary>
internal static class SampleFile
{
    public static string Build()
    {
        var sb = new StringBuilder();
        sb.Append("""
            namespace Library;

            public enum Genre { Fiction, Science, History, Poetry }

            public sealed record Book(string Isbn, string Title, string Author, Genre Genre, int Year, decimal Price);

            public sealed record Loan(string Isbn, string Member, DateTime Since, DateTime? Returned);

            public interface IClock { DateTime Now { get; } }

            public sealed class Catalog
            {
                private readonly Dictionary<string, Book> _books = new();
                private readonly List<Loan> _loans = new();
                private readonly IClock _clock;

                public Catalog(IClock clock) => _clock = clock;

                public int Count => _books.Count;

                public void Add(Book book)
                {
                    if (string.IsNullOrWhiteSpace(book.Isbn))
                    {
                        throw new ArgumentException("An ISBN is required.", nameof(book));
                    }

                    _books[book.Isbn] = book;
                }

                public Book? Find(string isbn) => _books.TryGetValue(isbn, out var book) ? book : null;

                public IReadOnlyList<Book> ByAuthor(string author) =>
                    _books.Values.Where(b => b.Author.Equals(author, StringComparison.OrdinalIgnoreCase))
                        .OrderBy(b => b.Year).ThenBy(b => b.Title).ToList();

            """);
        for (var i = 0; i < 6; i++)
        {
            sb.Append($$"""
                    public Dictionary<Genre, decimal> AveragePrice{{i}}(int fromYear)
                    {
                        var result = new Dictionary<Genre, decimal>();
                        foreach (var group in _books.Values.Where(b => b.Year >= fromYear).GroupBy(b => b.Genre))
                        {
                            var total = 0m;
                            var count = 0;
                            foreach (var book in group)
                            {
                                total += book.Price;
                                count++;
                            }

                            result[group.Key] = count == 0 ? 0 : Math.Round(total / count, 2);
                        }

                        return result;
                    }

                    public async Task<int> OverdueCount{{i}}Async(TimeSpan allowed, CancellationToken cancellationToken)
                    {
                        await Task.Yield();
                        var now = _clock.Now;
                        return _loans.Count(l => l.Returned is null && now - l.Since > allowed);
                    }


                """);
        }

        sb.Append("""
                public string Describe(Book book) => book switch
                {
                    { Genre: Genre.Poetry, Year: < 1900 } => $"Classic poetry: {book.Title}",
                    { Price: > 100m } => $"Collector's item: {book.Title}",
                    _ => $"{book.Title} by {book.Author} ({book.Year})",
                };
            }
            """);
        return sb.ToString();
    }
}
