using LearningPlatform.Services.Features.Exercises;
using static LearningPlatform.Services.Features.Catalog.Seed.SeedContent;

namespace LearningPlatform.Services.Features.Catalog.Seed;

/// <summary>Python course: pytest test functions with plain assert.</summary>
internal static class PythonFoundations
{
    public const string CourseId = "python-foundations";

    public static SeedCourse Create()
    {
        Exercise[] strings = [Greet(), CountVowels()];
        Exercise[] recursion = [Flatten()];
        var course = Course(
            CourseId,
            "Python Foundations",
            "Start programming in Python: work with strings, loop over text and flatten nested lists recursively, checked by pytest.",
            Difficulties.Beginner,
            ProgrammingLanguages.Python,
            ["fundamentals", "scripting", "unit-testing"],
            Concepts("Lists"),
            ("strings-and-loops", "Strings and loops", strings),
            ("recursion", "Thinking recursively", recursion));
        return new SeedCourse(course, [.. strings, .. recursion]);
    }

    private static Exercise Greet() => new()
    {
        Id = "python-greet",
        CourseId = CourseId,
        Title = "Hello, name!",
        Language = ProgrammingLanguages.Python,
        Instructions = """
            # Hello, name!

            Complete `greet(name)` in `greeting.py`. It returns a greeting such as `"Hello, Ada!"`.

            - Spaces around the name are dropped: `greet("  Ada ")` is `"Hello, Ada!"`.
            - When there is no name (`None`, `""` or only spaces), greet the world: `"Hello, World!"`.
            """,
        StarterFiles =
        [
            File("greeting.py", """
                def greet(name):
                    # Your code here.
                    raise NotImplementedError
                """),
        ],
        VisibleTests =
        [
            File("test_greeting.py", """
                from greeting import greet


                def test_greets_by_name():
                    assert greet("Ada") == "Hello, Ada!"


                def test_empty_name_greets_the_world():
                    assert greet("") == "Hello, World!"
                """),
        ],
        HiddenChecksJson = Checks(
            Check("greeting.greet", """["  Grace "]""", "\"Hello, Grace!\"", "drops the spaces around a name"),
            Check("greeting.greet", """["   "]""", "\"Hello, World!\"", "a name of only spaces greets the world"),
            Check("greeting.greet", "[null]", "\"Hello, World!\"", "None greets the world"),
            Check("greeting.greet", """["Ada Lovelace"]""", "\"Hello, Ada Lovelace!\"", "keeps the spaces inside a name")),
        Solution =
        [
            File("greeting.py", """"
                def greet(name):
                    """Return a greeting for name, or for the world when there is no name."""
                    name = (name or "").strip()
                    if not name:
                        name = "World"
                    return f"Hello, {name}!"
                """"),
        ],
        Hints =
        [
            "An f-string builds the text: `f\"Hello, {name}!\"`.",
            "`name.strip()` drops the spaces around a string.",
            "`None` and `\"\"` are both falsy: `(name or \"\")` turns `None` into an empty string.",
        ],
        ConceptsTaught = ["strings"],
        ConceptsPractised = ["conditionals", "functions"],
        TimeLimitMs = 5_000,
        MemoryLimitMb = 256,
    };

    private static Exercise CountVowels() => new()
    {
        Id = "python-count-vowels",
        CourseId = CourseId,
        Title = "Count the vowels",
        Language = ProgrammingLanguages.Python,
        Instructions = """
            # Count the vowels

            Complete `count_vowels(text)` in `vowels.py`: it returns how many of the letters in `text` are
            vowels, `a`, `e`, `i`, `o` or `u`, in lower or upper case. (`y` does not count.)

            `count_vowels("hello")` is `2`; `count_vowels("")` is `0`.
            """,
        StarterFiles =
        [
            File("vowels.py", """
                def count_vowels(text):
                    # Your code here.
                    raise NotImplementedError
                """),
        ],
        VisibleTests =
        [
            File("test_vowels.py", """
                from vowels import count_vowels


                def test_counts_vowels_in_a_word():
                    assert count_vowels("hello") == 2


                def test_empty_text_has_none():
                    assert count_vowels("") == 0


                def test_y_is_not_a_vowel():
                    assert count_vowels("rhythm") == 0
                """),
        ],
        HiddenChecksJson = Checks(
            Check("vowels.count_vowels", """["AEIOU aeiou"]""", "10", "counts upper-case vowels"),
            Check("vowels.count_vowels", """["Python Programming"]""", "4", "counts the vowels of a sentence"),
            Check("vowels.count_vowels", """["1, 2, 3... go!"]""", "1", "ignores digits and punctuation")),
        Solution =
        [
            File("vowels.py", """"
                VOWELS = "aeiou"


                def count_vowels(text):
                    """Return how many letters of text are vowels (a, e, i, o, u), ignoring case."""
                    count = 0
                    for letter in text.lower():
                        if letter in VOWELS:
                            count += 1
                    return count
                """"),
        ],
        Hints =
        [
            "A `for` loop visits every character of a string: `for letter in text:`.",
            "`text.lower()` means you only have to check lower-case vowels.",
            "`letter in \"aeiou\"` is `True` for a vowel.",
        ],
        ConceptsTaught = ["loops"],
        ConceptsPractised = ["strings", "conditionals", "variables"],
        TimeLimitMs = 5_000,
        MemoryLimitMb = 256,
    };

    private static Exercise Flatten() => new()
    {
        Id = "python-flatten",
        CourseId = CourseId,
        Title = "Flatten nested lists",
        Language = ProgrammingLanguages.Python,
        Instructions = """
            # Flatten nested lists

            Complete `flatten(items)` in `flatten.py`. It returns a **new** list with the values of `items` and of
            every list nested inside it, at any depth, in order:

            ```python
            flatten([1, [2, [3, [4]]], 5])  # [1, 2, 3, 4, 5]
            ```

            Strings are values, not lists: keep them whole. Do not change `items`.
            """,
        StarterFiles =
        [
            File("flatten.py", """
                def flatten(items):
                    # Your code here.
                    raise NotImplementedError
                """),
        ],
        VisibleTests =
        [
            File("test_flatten.py", """
                from flatten import flatten


                def test_flattens_one_level():
                    assert flatten([1, [2, 3]]) == [1, 2, 3]


                def test_empty_list():
                    assert flatten([]) == []


                def test_flat_list_stays_the_same():
                    assert flatten([1, 2, 3]) == [1, 2, 3]
                """),
        ],
        HiddenChecksJson = Checks(
            Check("flatten.flatten", "[[1, [2, [3, [4, [5]]]]]]", "[1, 2, 3, 4, 5]", "flattens deep nesting"),
            Check("flatten.flatten", "[[[[]], [], [[], [1]]]]", "[1]", "nested empty lists vanish"),
            Check("flatten.flatten", """[["ab", ["cd", ["ef"]]]]""", """["ab", "cd", "ef"]""", "keeps strings whole")),
        Solution =
        [
            File("flatten.py", """"
                def flatten(items):
                    """Return the values of items and of all lists nested in it, in order, as one new list."""
                    flat = []
                    for item in items:
                        if isinstance(item, list):
                            flat.extend(flatten(item))
                        else:
                            flat.append(item)
                    return flat
                """"),
        ],
        Hints =
        [
            "`isinstance(item, list)` tells a nested list from a value.",
            "A nested list is a smaller version of the same problem: call `flatten` on it.",
            "`flat.extend(other)` appends every value of `other`; `flat.append(value)` appends one value.",
        ],
        ConceptsTaught = ["recursion", "lists"],
        ConceptsPractised = ["loops", "conditionals"],
        TimeLimitMs = 5_000,
        MemoryLimitMb = 256,
    };
}
