namespace CollabText.Json0;

/// <summary>
/// The reference's <c>json.append</c>: adds a component to the end of an op, merging it into the last one where
/// the two cancel or combine (na + na, insert then delete of the same value, od then oi, adjacent string edits).
/// Compose and normalize are built on it.
/// </summary>
internal static class Json0Append
{
    public static void Append(List<Json0Component> dest, Json0Component component)
    {
        Json0Component c = component.Clone();
        if (dest.Count == 0)
        {
            dest.Add(c);
            return;
        }
        Json0Component last = dest[^1];
        bool stringEdits = (c.Si is not null || c.Sd is not null) && (last.Si is not null || last.Sd is not null);
        if (stringEdits)
        {
            ConvertFromText(c);
            ConvertFromText(last);
        }

        if (PathMatches(c.P, last.P))
        {
            if (c.T is not null && last.T is not null && c.T == last.T)
            {
                List<Text0Component> composed = [.. Text0.Compose(last.O!, c.O!)];
                last.O = composed;
                if (c.Si is not null || c.Sd is not null)
                {
                    // Back to si/sd: one component per text0 component that did not merge.
                    Json0PathSegment[] p = c.P;
                    for (int i = 0; i < composed.Count - 1; i++)
                    {
                        c.O = [composed[^1]];
                        composed.RemoveAt(composed.Count - 1);
                        c.P = (Json0PathSegment[])p.Clone();
                        ConvertToText(c);
                        dest.Add(c);
                    }
                    ConvertToText(last);
                }
            }
            else if (last.Na is not null && c.Na is not null)
            {
                dest[^1] = new Json0Component(last.P) { Na = last.Na + c.Na };
            }
            else if (last.Li is not null && c.Li is null && Json0Value.StrictEquals(c.Ld, last.Li))
            {
                // An insert directly followed by the delete of the same value: nothing happened.
                if (last.Ld is not null) last.Li = null;
                else dest.RemoveAt(dest.Count - 1);
            }
            else if (last.Od is not null && last.Oi is null && c.Oi is not null && c.Od is null)
            {
                last.Oi = c.Oi;
            }
            else if (last.Oi is not null && c.Od is not null)
            {
                // The last component inserted what this one deletes or replaces.
                if (c.Oi is not null) last.Oi = c.Oi;
                else if (last.Od is not null) last.Oi = null;
                else dest.RemoveAt(dest.Count - 1);
            }
            else if (c.Lm is not null && c.P[^1].IsIndex && c.P[^1].Index == c.Lm)
            {
                // A move to where the item already is.
            }
            else
            {
                dest.Add(c);
            }
        }
        else
        {
            if (stringEdits)
            {
                ConvertToText(c);
                ConvertToText(last);
            }
            dest.Add(c);
        }
    }

    /// <summary>si/sd as the text0 op they stand for (the reference keeps the si/sd field as a marker, and so do we).</summary>
    internal static void ConvertFromText(Json0Component c)
    {
        c.T = Json0Component.Text0Subtype;
        int position = c.P[^1].Index;
        c.P = c.P[..^1];
        c.O = [c.Si is not null ? Text0Component.InsertAt(position, c.Si) : Text0Component.DeleteAt(position, c.Sd!)];
    }

    internal static void ConvertToText(Json0Component c)
    {
        Text0Component o = c.O![0];
        c.P = [.. c.P, Json0PathSegment.ForIndex(o.Position)];
        if (o.Insert is not null) c.Si = o.Insert;
        if (o.Delete is not null) c.Sd = o.Delete;
        c.T = null;
        c.O = null;
    }

    internal static bool PathMatches(Json0PathSegment[] p1, Json0PathSegment[] p2)
    {
        if (p1.Length != p2.Length) return false;
        for (int i = 0; i < p1.Length; i++)
        {
            if (!p1[i].Equals(p2[i])) return false;
        }
        return true;
    }
}
