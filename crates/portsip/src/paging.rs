//! Reading a `{count, items}` list endpoint page by page with `top`/`skip`.

use std::collections::VecDeque;

use futures::{Stream, TryStreamExt};
use serde::de::DeserializeOwned;

use crate::Error;
use crate::client::{ApiPath, Client};
use crate::model::Page;

/// The largest `top` PortSIP accepts.
pub const MAX_PAGE_SIZE: u8 = 100;

/// `top` clamped to what PortSIP accepts (1–100).
pub(crate) fn clamp_page_size(requested: u8) -> u8 {
    requested.clamp(1, MAX_PAGE_SIZE)
}

/// The `skip` of the next page, or `None` when the list has been read.
///
/// With a `count`, reading goes on until `count` items were seen — a page may come back
/// shorter than asked when the PBX caps `top` lower. Without one, a short page is the last.
/// An empty page always ends the list, so a PBX that miscounts cannot keep us looping.
pub(crate) fn next_skip(
    skip: u64,
    page_size: u8,
    received: usize,
    count: Option<i64>,
) -> Option<u64> {
    let received = u64::try_from(received).ok()?;
    if received == 0 {
        return None;
    }
    let next = skip + received;
    let more = match count.and_then(|count| u64::try_from(count).ok()) {
        Some(count) => next < count,
        None => received >= u64::from(page_size),
    };
    more.then_some(next)
}

struct Cursor<T> {
    client: Client,
    path: ApiPath,
    filters: Vec<(&'static str, String)>,
    page_size: u8,
    next: Option<u64>,
    buffered: VecDeque<T>,
}

/// Every item of a paged list, fetched lazily one page at a time.
pub(crate) fn all_items<T>(
    client: Client,
    path: ApiPath,
    filters: Vec<(&'static str, String)>,
    page_size: u8,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: DeserializeOwned + Send + 'static,
{
    let cursor = Cursor {
        client,
        path,
        filters,
        page_size: clamp_page_size(page_size),
        next: Some(0),
        buffered: VecDeque::new(),
    };
    futures::stream::try_unfold(cursor, |mut cursor| async move {
        loop {
            if let Some(item) = cursor.buffered.pop_front() {
                return Ok(Some((item, cursor)));
            }
            let Some(skip) = cursor.next else {
                return Ok(None);
            };
            let mut query = cursor.filters.clone();
            query.push(("top", cursor.page_size.to_string()));
            query.push(("skip", skip.to_string()));
            let page: Page<T> = cursor.client.get_json(&cursor.path, &query).await?;
            cursor.next = next_skip(skip, cursor.page_size, page.items.len(), page.count);
            cursor.buffered.extend(page.items);
        }
    })
}

/// The items of a list endpoint that takes no paging parameters (one request).
pub(crate) fn single_page<T>(
    client: Client,
    path: ApiPath,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: DeserializeOwned + Send + 'static,
{
    futures::stream::once(async move {
        let page: Page<T> = client.get_json(&path, &[]).await?;
        let total = page.count.and_then(|count| usize::try_from(count).ok());
        if total.is_some_and(|total| total > page.items.len()) {
            tracing::warn!(
                path = %path,
                received = page.items.len(),
                count = page.count,
                "the PBX reports more items than it returned, and this endpoint takes no paging parameters"
            );
        }
        Ok::<_, Error>(futures::stream::iter(page.items.into_iter().map(Ok::<T, Error>)))
    })
    .try_flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_hundred_fifty_items_take_three_pages_of_one_hundred() {
        let mut skips = vec![0];
        let mut skip = 0;
        let count = Some(250);
        let mut remaining = 250_usize;
        while let Some(next) = next_skip(skip, 100, remaining.min(100), count) {
            remaining -= 100;
            skip = next;
            skips.push(skip);
        }
        assert_eq!(skips, vec![0, 100, 200]);
    }

    #[test]
    fn reading_stops_at_count_even_on_a_full_page() {
        assert_eq!(next_skip(0, 100, 100, Some(100)), None);
        assert_eq!(next_skip(100, 100, 100, Some(300)), Some(200));
    }

    #[test]
    fn a_page_capped_below_top_does_not_end_a_counted_list() {
        assert_eq!(next_skip(0, 100, 40, Some(250)), Some(40));
        assert_eq!(next_skip(240, 100, 10, Some(250)), None);
    }

    #[test]
    fn an_empty_page_ends_the_list_whatever_count_claims() {
        assert_eq!(next_skip(0, 100, 0, Some(1000)), None);
    }

    #[test]
    fn without_count_a_short_page_is_the_last() {
        assert_eq!(next_skip(0, 100, 40, None), None);
        assert_eq!(next_skip(0, 100, 100, None), Some(100));
    }

    #[test]
    fn page_size_is_clamped_to_what_portsip_accepts() {
        assert_eq!(clamp_page_size(0), 1);
        assert_eq!(clamp_page_size(250), 100);
        assert_eq!(clamp_page_size(25), 25);
    }
}
