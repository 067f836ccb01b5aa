using System.Formats.Tar;
using System.IO.Compression;

namespace LearningPlatform.Services.Features.Imports;

/// <summary>The archive could not be read as a course: said to the importer as the import's failure.</summary>
public sealed class ImportFormatException(string message) : Exception(message);

/// <summary>
/// The regular files of a <c>.tar.gz</c>, by path relative to the repository's root: the root itself when the
/// archive has the track's files at its top (<c>git archive</c>), or the single top folder every entry shares
/// (GitHub's tarballs). Links, devices and paths leaving the root are ignored; sizes and counts are bounded.
/// </summary>
public sealed class TrackArchive
{
    private readonly Dictionary<string, byte[]> _files;

    private TrackArchive(Dictionary<string, byte[]> files) => _files = files;

    public IEnumerable<string> Paths => _files.Keys;

    public static TrackArchive Read(byte[] gzip, ImportsOptions options, string marker)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long unpacked = 0;
        var entries = 0;
        try
        {
            using var reader = new TarReader(new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress));
            while (reader.GetNextEntry() is { } entry)
            {
                if (++entries > options.MaxEntries)
                {
                    throw new ImportFormatException($"The archive has more than {options.MaxEntries} entries.");
                }

                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null
                    || Normalize(entry.Name) is not { } path)
                {
                    continue;
                }

                unpacked += entry.Length;
                if (unpacked > options.MaxUnpackedBytes)
                {
                    throw new ImportFormatException($"The archive unpacks to more than {options.MaxUnpackedBytes / (1024 * 1024)} MB.");
                }

                using var data = new MemoryStream((int)entry.Length);
                entry.DataStream.CopyTo(data);
                files[path] = data.ToArray();
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new ImportFormatException($"The body is not a gzip-compressed tar archive ({e.Message}).");
        }

        if (files.ContainsKey(marker))
        {
            return new TrackArchive(files);
        }

        // One top folder holding the marker (a GitHub tarball, `git archive --prefix`): strip it.
        var tops = files.Keys.Select(p => p.Split('/')[0]).Distinct().ToList();
        if (tops.Count == 1 && files.ContainsKey($"{tops[0]}/{marker}"))
        {
            var prefix = tops[0] + "/";
            return new TrackArchive(files.ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal));
        }

        throw new ImportFormatException($"No '{marker}' at the top of the archive (or of its single top folder).");
    }

    public bool Exists(string path) => _files.ContainsKey(path);

    /// <summary>The file as UTF-8 text (a byte-order mark dropped), or null when there is none.</summary>
    public string? Text(string path) =>
        _files.TryGetValue(path, out var bytes) ? new System.Text.UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF') : null;

    private static string? Normalize(string name)
    {
        var parts = name.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        return parts.Count == 0 || parts.Contains("..") ? null : string.Join('/', parts);
    }
}
